// Two real socket.io-client instances, one per server URL (the same URL twice for one node): both are welcomed by
// the @OnConnect handler, A's "chat message" is acknowledged with "received" and reaches B (across nodes when the
// URLs differ). Exits non-zero with the reason otherwise.
import { io } from "socket.io-client";

const [urlA, urlB] = process.argv.slice(2);
const fail = (why) => {
  console.error(`client check failed: ${why}`);
  process.exit(1);
};
const deadline = setTimeout(() => fail("no answer within 30 s"), 30_000);

const connect = (url) =>
  new Promise((resolve, reject) => {
    const socket = io(url, { forceNew: true, reconnection: false });
    socket.once("welcome", (text) => resolve({ socket, text }));
    socket.once("connect_error", (error) => reject(new Error(`${url}: connect_error ${error.message}`)));
  });

try {
  const [a, b] = await Promise.all([connect(urlA), connect(urlB)]);
  if (!a.text.startsWith("Hello, ") || !b.text.startsWith("Hello, ")) fail(`unexpected welcome "${a.text}"`);
  const received = new Promise((resolve) => b.socket.on("chat message", resolve));
  // a node that just started may still be subscribing to its backend: what is sent before is not delivered
  // (documented), so A says it again until B hears it, and the script reports how many tries it took
  for (let attempt = 1; attempt <= 10; attempt++) {
    const answer = await a.socket.timeout(5_000).emitWithAck("chat message", `hello ${attempt}`);
    if (answer !== "received") fail(`acknowledgement "${answer}", expected "received"`);
    const text = await Promise.race([received, new Promise((r) => setTimeout(() => r(null), 1_000))]);
    if (text) {
      console.log(`B received "${text}" from A (attempt ${attempt}); A's acknowledgement: "${answer}"; transports:`
        + ` ${a.socket.io.engine.transport.name}/${b.socket.io.engine.transport.name}`);
      a.socket.close();
      b.socket.close();
      clearTimeout(deadline);
      process.exit(0);
    }
  }
  fail("B never received A's message");
} catch (error) {
  fail(error.message);
}

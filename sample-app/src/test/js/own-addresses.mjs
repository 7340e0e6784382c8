// Browsers with addresses of their own, in front of a balancer that sticks by the client address (nginx's
// `hash $remote_addr consistent`, as deploy/nginx/socketio.conf ships it). Every browser of one machine comes from
// 127.0.0.1, so such a balancer would put them all on one node; real users each have their own address. Here each
// browser context opens its pages at a forwarder of its own (127.0.0.1, a free port) that connects to the balancer
// from one loopback address, 127.0.0.N: the balancer sees one client per address and spreads them as it spreads real
// users. The balancer's configuration stays as shipped.
// Used by chat-recovery-e2e.mjs and private-messaging-balancer-e2e.mjs.
import http from 'node:http';
import net from 'node:net';

function request(url, { method = 'GET', body, localAddress } = {}) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, {
      method, localAddress, agent: false,
      headers: body === undefined ? {} : { 'Content-Type': 'text/plain;charset=UTF-8' },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, text }));
    });
    request.setTimeout(5_000, () => request.destroy(new Error(`no answer from ${url} within 5 s`)));
    request.on('error', reject);
    request.end(body);
  });
}

// The node ("node1".."node3", the keys of `nodes`, a map name -> url) that the balancer sends a client from
// `localAddress` to now, or "none": an Engine.IO handshake through the balancer, then a close packet for that session
// posted to each node directly; only the node holding the session answers 200 (the others: 400 Session ID unknown).
export async function nodeFor(balancer, nodes, localAddress) {
  const open = await request(new URL('socket.io/?EIO=4&transport=polling', balancer), { localAddress })
    .catch(() => ({ status: 0 }));
  if (open.status !== 200) return 'none';
  const { sid } = JSON.parse(open.text.slice(1));
  for (const [name, url] of Object.entries(nodes)) {
    const close = await request(new URL(`socket.io/?EIO=4&transport=polling&sid=${encodeURIComponent(sid)}`, url),
      { method: 'POST', body: '1' }).catch(() => ({ status: 0 }));
    if (close.status === 200) return name;
  }
  return 'none';
}

// Loopback addresses by the node the balancer sends them to: { node1: ['127.0.0.5', ...], ... }, probing
// 127.0.0.2, .3, ... until every node has `perNode` of them.
export async function addressesByNode(balancer, nodes, perNode) {
  const byNode = Object.fromEntries(Object.keys(nodes).map((name) => [name, []]));
  for (let last = 2; last < 100; last++) {
    const address = `127.0.0.${last}`;
    const node = await nodeFor(balancer, nodes, address);
    if (node === 'none') throw new Error(`the balancer ${balancer} sent ${address} to no node`);
    byNode[node].push(address);
    if (Object.values(byNode).every((addresses) => addresses.length >= perNode)) return byNode;
  }
  throw new Error(`100 addresses did not give each node ${perNode}: ${JSON.stringify(byNode)}`);
}

// Waits until the balancer sends `localAddress` to `node` (e.g. a restarted node that nginx still counts as failed
// for its fail_timeout, 10 s by default, after a request found it down).
export async function awaitRoute(balancer, nodes, localAddress, node, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let now;
  while ((now = await nodeFor(balancer, nodes, localAddress)) !== node) {
    if (Date.now() > deadline) throw new Error(`${localAddress} still goes to ${now}, not ${node}, after ${timeout} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

// A forwarder on 127.0.0.1 (a free port) to the balancer, connecting from `localAddress`: open a browser's pages at
// its `url` and the balancer sees that browser as `localAddress`.
export async function forwarder(balancer, localAddress) {
  const target = new URL(balancer);
  const open = new Set();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: target.hostname, port: Number(target.port), localAddress });
    open.add(client);
    const drop = () => {
      open.delete(client);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: localAddress,
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      for (const client of open) client.destroy();
      server.close();
    },
  };
}

// The conversation of a browser script with the Java test that runs it (BrowserScript): `step` reports progress on
// stdout ("[e2e] <name> (+<seconds> s)", which the test asserts on), `ask` prints a question ("[e2e] where ...",
// "[e2e] stop node3", ...) and resolves with the next line the test writes on stdin; `done` stops reading stdin.
// Used by chat-recovery-e2e.mjs and private-messaging-balancer-e2e.mjs.
import { createInterface } from 'node:readline';

const started = Date.now();
const stdin = createInterface({ input: process.stdin });
const answers = [];
const waiting = [];
stdin.on('line', (line) => (waiting.length > 0 ? waiting.shift()(line.trim()) : answers.push(line.trim())));

export const step = (name) => console.log(`[e2e] ${name} (+${((Date.now() - started) / 1000).toFixed(1)} s)`);

export const ask = (question) => {
  console.log(`[e2e] ${question}`);
  return answers.length > 0 ? Promise.resolve(answers.shift()) : new Promise((resolve) => waiting.push(resolve));
};

export const done = () => stdin.close();

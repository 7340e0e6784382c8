// Headless-Chromium test of the private-messaging sample on three nodes behind HAProxy (deploy/haproxy/haproxy.cfg,
// sticky by the cookie HAProxy inserts): four users spread over the nodes by the balancer, messages both ways between
// users on different nodes, a user's second browser on another node with the same conversation, a reload keeping the
// session, and a node stopped mid-conversation: its user comes back through the balancer, on another node, with
// their session and every message.
// Usage: node private-messaging-balancer-e2e.mjs <balancer url> [chromium executable]
// Talks to dev.socketeer.sample.PrivateMessagingBrowserTest: prints "[e2e] stop <serverid>" and waits for a line
// "stopped" on stdin. Exits 0 when every step passed, 1 otherwise.
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

const base = process.argv[2].replace(/\/$/, '');
const executablePath = process.argv[3] ?? '/usr/bin/chromium';
const STEP_TIMEOUT = 20_000;
const step = (name) => console.log(`[e2e] ${name}`);
const stdin = createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => stdin.once('line', resolve));

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const open = async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on('pageerror', (error) => { console.error(`[e2e] page error: ${error.message}`); failed = true; });
    return page;
  };
  const serverOf = async (page) => (await page.context().cookies()).find((c) => c.name === 'serverid')?.value;
  const user = (page, name) => page.locator('#users li', { has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) });
  const isOnline = (page, name, online) => page.waitForFunction(([n, o]) => [...document.querySelectorAll('#users li')]
    .some((li) => li.querySelector('.name').textContent === n && li.classList.contains(o ? 'online' : 'offline')),
  [name, online]);
  async function login(username) {
    const page = await open();
    await page.goto(base + '/private-messaging/');
    await page.fill('#username', username);
    await page.click('#login button');
    await page.locator('#users li', { hasText: `${username} (yourself)` }).waitFor();
    return page;
  }
  async function send(page, to, text) {
    await user(page, to).click();
    await page.fill('#input', text);
    await page.press('#input', 'Enter');
  }
  const sees = (page, peer, text) => user(page, peer).click().then(() =>
    page.locator('#messages li', { hasText: text }).waitFor());

  const names = ['alice', 'bob', 'carol', 'dave'];
  const pages = {};
  for (const name of names) pages[name] = await login(name);
  const servers = {};
  for (const name of names) servers[name] = await serverOf(pages[name]);
  console.log(`[e2e] servers ${JSON.stringify(servers)}`);
  if (new Set(Object.values(servers)).size < 3) throw new Error(`users not spread over three nodes: ${JSON.stringify(servers)}`);
  for (const name of names) for (const other of names) if (other !== name) await isOnline(pages[name], other, true);
  step('four users on three nodes see each other online');

  // every pair on different nodes talks, both ways
  for (const [a, b] of [['alice', 'bob'], ['bob', 'carol'], ['carol', 'dave'], ['dave', 'alice']]) {
    await send(pages[a], b, `${a} to ${b}`);
    await sees(pages[b], a, `${a} to ${b}`);
    await send(pages[b], a, `${b} to ${a}`);
    await sees(pages[a], b, `${b} to ${a}`);
  }
  step('messages crossed nodes both ways');

  // alice in a second browser: the balancer gives it its own node
  const sessionID = await pages.alice.evaluate(() => localStorage.getItem('sessionID'));
  let alice2;
  for (let attempt = 0; attempt < 6; attempt++) {
    alice2 = await open();
    await alice2.goto(base + '/private-messaging/');
    if (await serverOf(alice2) !== servers.alice) break;
    await alice2.context().close();
  }
  await alice2.evaluate((id) => localStorage.setItem('sessionID', id), sessionID);
  await alice2.reload();
  await alice2.locator('#users li', { hasText: 'alice (yourself)' }).waitFor();
  await sees(alice2, 'bob', 'bob to alice');
  await sees(alice2, 'dave', 'dave to alice');
  step(`alice's second browser (${await serverOf(alice2)}, first on ${servers.alice}) has the same conversations`);

  await pages.bob.reload();
  await pages.bob.locator('#users li', { hasText: 'bob (yourself)' }).waitFor();
  await sees(pages.bob, 'alice', 'alice to bob');
  step('a reload keeps the session and the messages');

  // dave's node goes away mid-conversation; a message for dave is sent while dave is reconnecting
  const doomed = servers.dave;
  const daveTraffic = [];
  pages.dave.on('response', (r) => { if (r.url().includes('/socket.io/')) daveTraffic.push(`${r.status()} ${r.url().replace(base, '')}`); });
  pages.dave.on('requestfailed', (r) => daveTraffic.push(`failed ${r.failure()?.errorText} ${r.url().replace(base, '')}`));
  pages.dave.on('websocket', (ws) => { daveTraffic.push(`ws ${ws.url().replace(base, '')}`); ws.on('close', () => daveTraffic.push('ws closed')); });
  process.on('exit', () => { if (failed) console.log(`[e2e] dave's traffic after the stop:\n${daveTraffic.slice(-40).join('\n')}`); });
  console.log(`[e2e] stop ${doomed}`);
  if ((await nextLine()).trim() !== 'stopped') throw new Error('the test did not stop the node');
  const sender = names.find((name) => name !== 'dave' && servers[name] !== doomed);
  await send(pages[sender], 'dave', `${sender} to dave while his node is down`);
  const selfIs = (online) => pages.dave.waitForFunction((o) => [...document.querySelectorAll('#users li')]
    .some((li) => li.querySelector('.name').textContent === 'dave (yourself)'
      && li.classList.contains(o ? 'online' : 'offline')), online, { timeout: 60_000 });
  await selfIs(false);
  step('dave\'s page saw its node go away');
  await selfIs(true);
  step(`dave's page reconnected through the balancer, now on ${await serverOf(pages.dave)}`);
  await isOnline(pages[sender], 'dave', true);
  await sees(pages.dave, sender, `${sender} to dave while his node is down`);
  await sees(pages.dave, 'carol', 'carol to dave');
  await send(pages.dave, sender, 'dave is back');
  await sees(pages[sender], 'dave', 'dave is back');
  step(`dave came back through the balancer without ${doomed}, with his session and every message`);
} catch (error) {
  console.error(`[e2e] FAILED: ${error.message}`);
  failed = true;
} finally {
  await browser.close();
  stdin.close();
}
process.exit(failed ? 1 : 0);

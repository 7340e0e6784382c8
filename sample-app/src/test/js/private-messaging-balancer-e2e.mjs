// Headless-Chromium test of the private-messaging sample (the guide's part IV) on three nodes behind nginx with
// deploy/nginx/socketio.conf as shipped (`hash $remote_addr consistent`), each browser from an address of its own
// (own-addresses.mjs): alice on node1, bob on node2, carol and dave on node3. Messages go both ways between users on
// different nodes; alice's second browser, on node2, has the same conversations and takes part in them; a reload
// keeps the session (same user id, messages restored from the Redis store). Then node3 is stopped mid-conversation
// and started again on its port: carol's page comes back at once through nginx on another node, dave's (offline
// until node3 is back) on the restarted node3; both with their session and every message sent meanwhile.
// Usage: node private-messaging-balancer-e2e.mjs <balancer url> <chromium executable> <node1 url> <node2 url> <node3 url>
// Talks to dev.socketeer.sample.PrivateMessagingBrowserTest through dev.socketeer.sample.BrowserScript: asks
// "where <namespace> <socket id>", "stop node3", "restart node3" on stdout and reads the answers on stdin.
// With SCREENSHOTS=<dir>, writes <dir>/private-messaging.png. Exits 0 when every step passed, 1 otherwise.
import { chromium } from 'playwright-core';
import { ask, done, step } from './driver.mjs';
import { addressesByNode, awaitRoute, forwarder } from './own-addresses.mjs';

const [balancer, executablePath, ...nodeUrls] = process.argv.slice(2);
const nodes = Object.fromEntries(nodeUrls.map((url, i) => [`node${i + 1}`, url]));
const screenshots = process.env.SCREENSHOTS;
const STEP_TIMEOUT = 20_000;
const NAMESPACE = '/private-messaging';

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const forwarders = [];
const pages = {};
let failed = false;
try {
  const byNode = await addressesByNode(balancer, nodes, 2);
  step(`nginx sends ${JSON.stringify(byNode)}`);
  // a browser (its own context, storage and address), on the node nginx sends that address to
  async function browse(name, address, sessionID) {
    const via = await forwarder(balancer, address);
    forwarders.push(via);
    const context = await browser.newContext({ viewport: { width: 900, height: 480 } });
    if (sessionID) await context.addInitScript((id) => localStorage.setItem('sessionID', id), sessionID);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on('pageerror', (error) => { console.error(`[e2e] ${name}: page error: ${error.message}`); failed = true; });
    await page.goto(via.url + '/private-messaging/');
    pages[name] = page;
    return page;
  }
  const where = async (page) => ask(`where ${NAMESPACE} ${await page.evaluate(() => socket.id)}`);
  const userID = (page) => page.evaluate(() => socket.userID);
  const user = (page, name) => page.locator('#users li', { has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) });
  const isOnline = (page, name, online) => page.waitForFunction(([n, o]) => [...document.querySelectorAll('#users li')]
    .some((li) => li.querySelector('.name').textContent === n && li.classList.contains(o ? 'online' : 'offline')),
  [name, online]);
  const selfIs = (page, name, online) => isOnline(page, `${name} (yourself)`, online);
  async function send(page, to, text) {
    await user(page, to).click();
    await page.fill('#input', text);
    await page.press('#input', 'Enter');
  }
  const sees = (page, peer, text) => user(page, peer).click().then(() =>
    page.locator('#messages li', { hasText: text }).waitFor());

  const homes = { alice: 'node1', bob: 'node2', carol: 'node3', dave: 'node3' };
  const addresses = { alice: byNode.node1[0], bob: byNode.node2[0], carol: byNode.node3[0], dave: byNode.node3[1] };
  for (const [name, home] of Object.entries(homes)) {
    const page = await browse(name, addresses[name]);
    await page.fill('#username', name);
    await page.click('#login button');
    await selfIs(page, name, true);
    const node = await where(page);
    if (node !== home) throw new Error(`${name} (${addresses[name]}) is on ${node}, nginx sent the address to ${home}`);
  }
  const names = Object.keys(homes);
  for (const name of names) for (const other of names) if (other !== name) await isOnline(pages[name], other, true);
  step(`four users on three nodes behind nginx see each other online: ${JSON.stringify(homes)}`);

  for (const [a, b] of [['alice', 'bob'], ['bob', 'carol'], ['carol', 'alice'], ['dave', 'alice'], ['dave', 'bob']]) {
    await send(pages[a], b, `${a} to ${b}`);
    await sees(pages[b], a, `${a} to ${b}`);
    await send(pages[b], a, `${b} to ${a}`);
    await sees(pages[a], b, `${b} to ${a}`);
  }
  step('messages crossed nodes both ways');

  // alice's second browser (another device with her session) comes from another address, which nginx sends to node2
  const aliceID = await userID(pages.alice);
  const sessionID = await pages.alice.evaluate(() => localStorage.getItem('sessionID'));
  const alice2 = await browse('alice2', byNode.node2[1], sessionID);
  await selfIs(alice2, 'alice', true);
  if (await where(alice2) !== 'node2' || await userID(alice2) !== aliceID) {
    throw new Error(`alice's second browser is ${await userID(alice2)} on ${await where(alice2)}`);
  }
  for (const peer of ['bob', 'carol', 'dave']) await sees(alice2, peer, `${peer} to alice`);
  await sees(alice2, 'bob', 'alice to bob');
  await send(alice2, 'bob', 'alice again, from her other browser');
  await sees(pages.bob, 'alice', 'alice again, from her other browser');
  await sees(pages.alice, 'bob', 'alice again, from her other browser');
  await send(pages.bob, 'alice', 'bob to both of alice\'s browsers');
  await sees(pages.alice, 'bob', 'bob to both of alice\'s browsers');
  await sees(alice2, 'bob', 'bob to both of alice\'s browsers');
  step('alice\'s second browser (node2, her first on node1) has the same conversations and takes part in them');

  const bobID = await userID(pages.bob);
  await pages.bob.reload();
  await selfIs(pages.bob, 'bob', true);
  if (await userID(pages.bob) !== bobID) throw new Error(`bob came back as ${await userID(pages.bob)}, not ${bobID}`);
  for (const text of ['alice to bob', 'bob to alice', 'alice again, from her other browser']) await sees(pages.bob, 'alice', text);
  await sees(pages.bob, 'dave', 'dave to bob');
  step('a reload keeps the session: the same user id, the messages restored from the store');
  if (screenshots) {
    await sees(pages.alice, 'bob', 'bob to both of alice\'s browsers');
    await pages.alice.screenshot({ path: `${screenshots}/private-messaging.png` });
  }

  // node3 goes away mid-conversation. dave's device is offline until node3 is back (so he returns to it); carol's
  // page reconnects at once, through nginx, to another node
  for (const name of ['carol', 'dave']) await pages[name].evaluate(() => { window.drops = 0; socket.on('disconnect', () => window.drops++); });
  await pages.dave.context().setOffline(true);
  await pages.dave.evaluate(() => socket.io.reconnectionDelay(500).reconnectionDelayMax(1_000));
  const carolID = await userID(pages.carol);
  const daveID = await userID(pages.dave);
  if (await ask('stop node3') !== 'stopped') throw new Error('the test did not stop node3');
  await send(pages.alice, 'carol', 'alice to carol while node3 is down');
  await send(pages.alice, 'dave', 'alice to dave while node3 is down');
  await send(pages.bob, 'dave', 'bob to dave while node3 is down');
  await pages.dave.waitForFunction(() => window.drops > 0);
  await selfIs(pages.dave, 'dave', false);
  // node3's disconnect handler asked the cluster whether dave had another tab before its adapter left: he shows
  // offline to the others
  await isOnline(pages.alice, 'dave', false);
  step('node3 stopped: dave\'s page shows him offline, and alice sees dave offline; messages sent to carol and dave');
  await pages.carol.waitForFunction(() => window.drops > 0 && socket.connected);
  await selfIs(pages.carol, 'carol', true);
  const carolNode = await where(pages.carol);
  if (carolNode === 'node3' || carolNode === 'none' || await userID(pages.carol) !== carolID) {
    throw new Error(`carol came back as ${await userID(pages.carol)} on ${carolNode}`);
  }
  await sees(pages.carol, 'alice', 'alice to carol while node3 is down');
  await sees(pages.carol, 'bob', 'bob to carol');
  step(`carol came back through nginx on ${carolNode} with her session and every message`);

  if (await ask('restart node3') !== 'restarted') throw new Error('the test did not restart node3');
  // nginx counts node3 as failed for its fail_timeout (10 s) after carol's page found it down
  await awaitRoute(balancer, nodes, addresses.dave, 'node3');
  await pages.dave.context().setOffline(false);
  await selfIs(pages.dave, 'dave', true);
  const daveNode = await where(pages.dave);
  if (daveNode !== 'node3' || await userID(pages.dave) !== daveID) {
    throw new Error(`dave came back as ${await userID(pages.dave)} on ${daveNode}`);
  }
  await isOnline(pages.alice, 'dave', true);
  await sees(pages.dave, 'alice', 'alice to dave while node3 is down');
  await sees(pages.dave, 'bob', 'bob to dave while node3 is down');
  await sees(pages.dave, 'alice', 'dave to alice');
  await send(pages.dave, 'carol', 'dave, back on node3, to carol');
  await sees(pages.carol, 'dave', 'dave, back on node3, to carol');
  await send(pages.carol, 'dave', 'carol to dave, after the restart');
  await sees(pages.dave, 'carol', 'carol to dave, after the restart');
  step('dave came back through nginx on the restarted node3 with his session and every message');
} catch (error) {
  console.error(`[e2e] FAILED: ${error.message}`);
  failed = true;
  for (const [name, page] of Object.entries(pages)) {
    const seen = await page.evaluate(() => `${document.getElementById('users')?.innerText.replaceAll('\n', ' / ')}`
      + ` | ${document.getElementById('messages')?.innerText.replaceAll('\n', ' / ')}`).catch((e) => e.message);
    console.error(`[e2e] ${name} shows ${seen}`);
  }
} finally {
  await browser.close();
  for (const via of forwarders) via.close();
  done();
}
process.exit(failed ? 1 : 0);

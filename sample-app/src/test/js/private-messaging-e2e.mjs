// Headless-Chromium end-to-end test of the private-messaging sample (the guide's part IV behaviour).
// Usage: node private-messaging-e2e.mjs <node1 url> <node2 url> <node3 url> [chromium executable]
// (the same url three times for one node). Exits 0 when every step passed, 1 otherwise.
// alice on node 1, bob on node 2, alice's second tab on node 3: a message reaches every tab of the recipient and the
// sender's other tab, whichever node each is on; the history and the session survive a reload; presence crosses nodes.
// Run by dev.socketeer.sample.PrivateMessagingBrowserTest.
import { chromium } from 'playwright-core';

const [url1, url2, url3] = process.argv.slice(2, 5);
const executablePath = process.argv[5] ?? '/usr/bin/chromium';
const STEP_TIMEOUT = 10_000;
const step = (name) => console.log(`[e2e] ${name}`);

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const [aliceContext, bobContext] = await Promise.all([browser.newContext(), browser.newContext()]);
  const newPage = async (context) => {
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on('pageerror', (error) => { console.error(`[e2e] page error: ${error.message}`); failed = true; });
    return page;
  };
  const alice = await newPage(aliceContext);
  const bob = await newPage(bobContext);

  async function login(page, base, username) {
    await page.goto(base + '/private-messaging/');
    await page.fill('#username', username);
    await page.click('#login button');
    await page.locator('#users li', { hasText: `${username} (yourself)` }).waitFor();
  }
  const user = (page, name) => page.locator('#users li', { has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) });
  const isOnline = (page, name, online) => page.waitForFunction(([n, o]) => [...document.querySelectorAll('#users li')]
    .some((li) => li.querySelector('.name').textContent === n && li.classList.contains(o ? 'online' : 'offline')),
  [name, online]);

  await login(alice, url1, 'alice');
  await login(bob, url2, 'bob');
  await isOnline(alice, 'bob', true);
  await isOnline(bob, 'alice', true);
  step('alice (node 1) and bob (node 2) see each other online');

  // alice's second tab, on node 3, with alice's session (behind a balancer both tabs share one origin). The session
  // is in the tab's storage before its first load: a load then a reload would leave the first load's connection to
  // the server's heartbeat when the reload cuts it mid-upgrade (no pending poll to see closing, as with Node), and
  // alice would stay online for up to pingInterval + pingTimeout after her last tab is gone.
  const sessionID = await alice.evaluate(() => localStorage.getItem('sessionID'));
  const alice2 = await newPage(aliceContext);
  await alice2.addInitScript((id) => localStorage.setItem('sessionID', id), sessionID);
  await alice2.goto(url3 + '/private-messaging/');
  await alice2.locator('#users li', { hasText: 'alice (yourself)' }).waitFor();
  await isOnline(alice2, 'bob', true);
  step('alice\'s second tab (node 3) restored her session');

  await user(alice, 'bob').click();
  await alice.fill('#input', 'hello bob');
  await alice.press('#input', 'Enter');
  await user(bob, 'alice').locator('.new').waitFor();
  await user(bob, 'alice').click();
  await bob.locator('#messages li', { hasText: 'hello bob' }).waitFor();
  step('bob got alice\'s message, flagged as new');
  await user(alice2, 'bob').click();
  await alice2.locator('#messages li', { hasText: 'hello bob' }).waitFor();
  step('alice\'s other tab shows what she sent');

  await bob.fill('#input', 'hi alice');
  await bob.press('#input', 'Enter');
  await alice.locator('#messages li', { hasText: 'hi alice' }).waitFor();
  await alice2.locator('#messages li', { hasText: 'hi alice' }).waitFor();
  step('bob\'s answer reached both of alice\'s tabs');

  await bob.reload();
  await bob.locator('#users li', { hasText: 'bob (yourself)' }).waitFor();
  await user(bob, 'alice').click();
  await bob.locator('#messages li', { hasText: 'hello bob' }).waitFor();
  await bob.locator('#messages li', { hasText: 'hi alice' }).waitFor();
  step('after a reload bob is the same user with the whole conversation');

  await alice2.close();
  await bob.waitForTimeout(1000);
  await isOnline(bob, 'alice', true);
  step('alice stays online while her first tab is open');
  await alice.close();
  await isOnline(bob, 'alice', false);
  step('alice shows offline once her last tab is gone');
} catch (error) {
  console.error(`[e2e] FAILED: ${error.message}`);
  failed = true;
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);

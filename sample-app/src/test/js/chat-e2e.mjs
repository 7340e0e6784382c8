// Headless-Chromium end-to-end test of the sample chat page: two pages, two nicknames, the online list,
// "is typing", and a message typed in one page appearing in the other.
// Usage: node chat-e2e.mjs <base url> [chromium executable]; exits 0 when every step passed, 1 otherwise.
// Run by dev.socketeer.sample.ChatBrowserTest against the sample app started on a free port.
import { chromium } from 'playwright-core';

const base = process.argv[2];
const executablePath = process.argv[3] ?? '/usr/bin/chromium';
const STEP_TIMEOUT = 10_000;
const step = (name) => console.log(`[e2e] ${name}`);

const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
const pages = [];
try {
  // one browser context each: no shared cookies or storage, like two people
  const [alice, bob] = await Promise.all([browser.newContext(), browser.newContext()]).then((contexts) =>
    Promise.all(contexts.map((context) => context.newPage())));
  pages.push(alice, bob);
  for (const page of [alice, bob]) {
    page.setDefaultTimeout(STEP_TIMEOUT);
    page.on('pageerror', (error) => { console.error(`[e2e] page error: ${error.message}`); failed = true; });
  }

  async function join(page, nickname) {
    await page.goto(base + '/');
    await page.fill('#nickname', nickname);
    await page.click('#login button');
    await page.locator('#chat').waitFor({ state: 'visible' });
  }
  await join(alice, 'alice');
  await join(bob, 'bob');
  step('both joined');

  const onlineIs = (page, names) => page.waitForFunction((expected) =>
    JSON.stringify([...document.querySelectorAll('#online li')].map((li) => li.textContent)) === expected,
  JSON.stringify(names));
  await Promise.all([onlineIs(alice, ['alice', 'bob']), onlineIs(bob, ['alice', 'bob'])]);
  step('online list shows alice and bob on both pages');

  // the official client opens on long-polling and upgrades; the page shows the transport it ended on
  await Promise.all([alice, bob].map((page) => page.locator('#status', { hasText: 'connected (websocket)' }).waitFor()));
  step('both upgraded to websocket');

  const text = `hello bob ${Date.now()}`;
  await alice.locator('#input').pressSequentially(text.slice(0, 5));
  await bob.locator('#typing', { hasText: 'alice is typing' }).waitFor();
  step('bob sees "alice is typing…"');

  await alice.locator('#input').pressSequentially(text.slice(5));
  await alice.press('#input', 'Enter');
  const received = bob.locator('#messages li', { hasText: text });
  await received.waitFor();
  const who = await received.locator('.who').textContent();
  if (who !== 'alice') throw new Error(`bob got the message from "${who}", expected "alice"`);
  await alice.locator('#messages li', { hasText: text }).waitFor();
  await bob.waitForFunction(() => document.getElementById('typing').textContent === '');
  step('bob got alice\'s message and the typing notice cleared');

  await alice.close();
  await onlineIs(bob, ['bob']);
  step('alice left: bob\'s online list shows only bob');
} catch (error) {
  console.error(`[e2e] FAILED: ${error.message}`);
  failed = true;
  for (const page of pages.filter((p) => !p.isClosed())) {
    const seen = await page.evaluate(() => ['online', 'status', 'typing', 'messages']
      .map((id) => `#${id}: ${document.getElementById(id)?.innerText.replaceAll('\n', ' / ')}`).join('; '))
      .catch((e) => e.message);
    console.error(`[e2e] page ${pages.indexOf(page) === 0 ? 'alice' : 'bob'} shows ${seen}`);
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);

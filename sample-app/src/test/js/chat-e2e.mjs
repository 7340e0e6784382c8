// Headless-Chromium end-to-end test of the sample chat page: two pages, two nicknames, the online list,
// "is typing", a message typed in one page appearing in the other, a nickname already in use refused, a REST push
// shown as a direct message to its user only, and the history replayed to a late joiner styled as chat (not direct).
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
// page errors and failed requests (a missing favicon, say) fail the run; the 409 of a refused nickname is expected
function watch(page) {
  page.on('pageerror', (error) => { console.error(`[e2e] page error: ${error.message}`); failed = true; });
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/api/session')) {
      console.error(`[e2e] ${response.status()} for ${response.url()}`);
      failed = true;
    }
  });
}
try {
  // one browser context each: no shared cookies or storage, like two people
  const [alice, bob] = await Promise.all([browser.newContext(), browser.newContext()]).then((contexts) =>
    Promise.all(contexts.map((context) => context.newPage())));
  pages.push(alice, bob);
  for (const page of [alice, bob]) {
    page.setDefaultTimeout(STEP_TIMEOUT);
    watch(page);
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

  await bob.locator('#input').pressSequentially('hi alice');
  await bob.press('#input', 'Enter');
  await alice.locator('#messages li', { hasText: 'hi alice' }).waitFor();
  step('alice got bob\'s answer');

  // a third person cannot be "alice" while alice is connected
  const impostor = await browser.newContext().then((context) => context.newPage());
  pages.push(impostor);
  impostor.setDefaultTimeout(STEP_TIMEOUT);
  watch(impostor);
  await impostor.goto(base + '/');
  await impostor.fill('#nickname', 'alice');
  await impostor.click('#login button');
  await impostor.locator('#login-error', { hasText: 'taken' }).waitFor();
  if (!(await impostor.locator('#chat').isHidden())) throw new Error('the second "alice" got into the chat');
  step('a second "alice" is refused: nickname taken');

  // a REST push to bob: a direct message on bob's page only
  const pushed = await fetch(base + '/api/users/bob/messages', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text: 'parcel for bob' }),
  });
  if (pushed.status !== 202) throw new Error(`push answered ${pushed.status}`);
  await bob.locator('#messages li.direct', { hasText: 'parcel for bob' }).waitFor();
  step('bob sees the pushed direct message');

  // the late joiner gets both messages replayed as chat messages, none styled as direct
  await join(impostor, 'carol');
  await impostor.locator('#messages li', { hasText: 'hi alice' }).waitFor();
  const replayed = await impostor.evaluate(() => [...document.querySelectorAll('#messages li')]
    .map((li) => ({ text: li.textContent, direct: li.classList.contains('direct') })));
  if (replayed.length !== 2 || replayed.some((item) => item.direct)) {
    throw new Error(`history replayed as ${JSON.stringify(replayed)}, expected 2 messages, none direct`);
  }
  if (await alice.locator('#messages li.direct').count() !== 0) throw new Error('alice got bob\'s direct message');
  step('history replayed to carol: 2 messages, none styled as direct');

  await alice.close();
  await onlineIs(bob, ['bob', 'carol']);
  step('alice left: bob\'s online list shows bob and carol');
} catch (error) {
  console.error(`[e2e] FAILED: ${error.message}`);
  failed = true;
  for (const page of pages.filter((p) => !p.isClosed())) {
    const seen = await page.evaluate(() => ['online', 'status', 'typing', 'messages']
      .map((id) => `#${id}: ${document.getElementById(id)?.innerText.replaceAll('\n', ' / ')}`).join('; '))
      .catch((e) => e.message);
    console.error(`[e2e] page ${['alice', 'bob', 'third'][pages.indexOf(page)]} shows ${seen}`);
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);

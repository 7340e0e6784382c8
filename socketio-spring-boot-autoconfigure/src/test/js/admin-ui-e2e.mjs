// Headless-Chromium test of the Admin UI served by a Socketeer node (dev.socketeer.adapter.redis.AdminUiBrowserTest):
// opens the UI at <base>/socket.io-admin/, logs in, checks that the servers page lists every server id given and the
// dashboard counts them all healthy, that the sockets page lists every socket id given, and joins the last socket to
// room "from-ui" from its details page.
// Screenshots (dashboard, servers, sockets, socket) go to <screenshot dir>.
// Usage: node admin-ui-e2e.mjs <base url> <password> <server ids, comma-separated> <socket ids, comma-separated>
//        <screenshot dir> [chromium executable]
// Exits 0 when every step passed, 1 otherwise. Requests to other hosts are refused, as on a network without internet.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';

const [base, password, serverList, socketList, shots, executablePath = '/usr/bin/chromium'] = process.argv.slice(2);
const servers = serverList.split(',');
const sockets = socketList.split(',');
const STEP_TIMEOUT = 15_000;
const started = Date.now();
const step = (name) => console.log(`[e2e] ${name} (${Date.now() - started} ms)`);
mkdirSync(shots, { recursive: true });

step('starting Chromium');
const browser = await chromium.launch({
  executablePath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failed = false;
let page;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const origin = new URL(base).origin;
  const offsite = [];
  await context.route((url) => url.origin !== origin, (route) => {
    offsite.push(route.request().url());
    return route.abort();
  });
  page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on('pageerror', (error) => { console.error(`[e2e] page error: ${error.message}`); failed = true; });

  step('Chromium started');
  await page.goto(`${base}/socket.io-admin/`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  step('logged in');

  await page.goto(`${base}/socket.io-admin/#/servers/`);
  for (const server of servers) {
    await page.getByRole('cell', { name: server, exact: true }).waitFor();
  }
  step(`servers page lists ${servers.join(', ')}`);
  await page.screenshot({ path: `${shots}/admin-ui-servers.png` });

  await page.goto(`${base}/socket.io-admin/#/`);
  // the dashboard's Servers card: every server counted as healthy
  await page.waitForFunction((count) => [...document.querySelectorAll('tr')].some((row) => {
    const cells = [...row.querySelectorAll('td')].map((cell) => cell.innerText.trim());
    return cells.length >= 2 && cells[0].toUpperCase() === 'HEALTHY' && cells[1].split(/\s+/)[0] === String(count);
  }), servers.length, { timeout: STEP_TIMEOUT });
  step(`dashboard counts ${servers.length} healthy servers`);
  await page.waitForTimeout(2_500); // another round of server_stats for the charts
  await page.screenshot({ path: `${shots}/admin-ui-dashboard.png` });

  await page.goto(`${base}/socket.io-admin/#/sockets/`);
  for (const socket of sockets) {
    await page.getByText(socket, { exact: true }).first().waitFor();
  }
  step(`sockets page lists ${sockets.join(', ')}`);
  await page.screenshot({ path: `${shots}/admin-ui-sockets.png` });

  const target = sockets[sockets.length - 1];
  await page.goto(`${base}/socket.io-admin/#/n/%2F/sockets/${target}`);
  await page.getByLabel('Join a room').fill('from-ui');
  await page.locator('button:has(.mdi-tag-plus-outline)').click();
  await page.getByText('from-ui', { exact: true }).first().waitFor();
  step(`socket ${target} joined from-ui`);
  await page.screenshot({ path: `${shots}/admin-ui-socket.png` });

  if (offsite.length) {
    step(`requests to other hosts refused: ${[...new Set(offsite)].join(' ')}`);
  } else {
    step('no request left the server');
  }
} catch (error) {
  console.error(`[e2e] FAILED: ${error.message}`);
  failed = true;
  if (page) {
    await page.screenshot({ path: `${shots}/admin-ui-failure.png` }).catch(() => {});
    console.error(`[e2e] page shows: ${await page.evaluate(() => document.body.innerText.replaceAll('\n', ' / '))
      .catch((e) => e.message)}`);
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);

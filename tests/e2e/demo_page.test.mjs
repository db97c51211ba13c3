// End to end in headless Chromium: the demo master serves web/demo and ws://; two pages bind to
// its ControlUnit through doppel.js. A click in one page shows in the other and in a C++ replica
// (the doppel CLI over tcp); an item added in one page shows in the other and in the C++ model;
// after the master restarts the pages recover. Screenshots go to
// $DOPPEL_JS_ARTIFACTS (the build directory when run by ctest) — look at them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

const root = new URL('../../', import.meta.url).pathname;
const client = join(root, 'web/client');
const support = await import(join(client, 'test/support.mjs'));
const { findBinary, freePort, startProcess, stopProcess } = support;
const { chromium } = createRequire(join(client, 'package.json'))('playwright-core');

const master = findBinary('DOPPEL_DEMO_MASTER', 'demo_master');
const cli = findBinary('DOPPEL_CLI', 'doppel');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = process.env.DOPPEL_JS_ARTIFACTS ?? join(root, 'build-js/artifacts');
mkdirSync(artifacts, { recursive: true });
const TOKEN = `e2e${process.pid}`;

let tcpUrl;
let webPort;
let host;
let browser;
let pages = [];

async function startMaster() {
  const args = ['--no-state', '--token', TOKEN, '--web', `127.0.0.1:${webPort}`, '--web-root', join(root, 'web/demo'), tcpUrl];
  host = (await startProcess(master, args, /open (\S+)/)).child;
}

function doppel(...args) {
  return execFileSync(cli, [...args.slice(0, 1), tcpUrl, 'ControlUnit', ...args.slice(1)], { encoding: 'utf8', timeout: 10000 }).trim();
}

const text = (page, id) => page.locator(`[data-testid=${id}]`).innerText();

/** Waits until the element's text is `expected` (a string) or matches it (a RegExp). */
async function waitText(page, id, expected, timeout = 8000) {
  const pattern = expected instanceof RegExp ? expected.source : null;
  await page.waitForFunction(
    ([sel, want, re]) => {
      const t = (document.querySelector(sel)?.textContent ?? '').trim();
      return re !== null ? new RegExp(re).test(t) : t === want;
    },
    [`[data-testid=${id}]`, expected instanceof RegExp ? '' : expected, pattern],
    { timeout },
  );
}

before(async () => {
  // The page loads web/demo/doppel.js, built from web/client (npm test builds it too).
  if (!existsSync(join(root, 'web/demo/doppel.js'))) execFileSync(process.execPath, ['build.mjs'], { cwd: client, stdio: 'inherit' });
  tcpUrl = `tcp://127.0.0.1:${await freePort()}`;
  webPort = await freePort();
  await startMaster();
  browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox', '--disable-gpu'] });
  for (let i = 0; i < 2; i++) {
    const page = await browser.newPage({ viewport: { width: 900, height: 760 } });
    page.on('pageerror', (e) => console.error(`page ${i}:`, e.message));
    await page.goto(`http://127.0.0.1:${webPort}/?token=${TOKEN}`);
    pages.push(page);
  }
});

after(async () => {
  await browser?.close();
  if (host) await stopProcess(host);
});

test('both pages show the live ControlUnit', async () => {
  for (const page of pages) {
    await waitText(page, 'state', 'Valid');
    await waitText(page, 'status', 'stopped');
    await waitText(page, 'temperature', /^\d+\.\d$/);
  }
  await pages[0].screenshot({ path: join(artifacts, 'demo-1-connected.png') });
});

test('a click in one page shows in the other page and in a C++ replica', async () => {
  const [a, b] = pages;
  await a.click('[data-testid=start]');
  await waitText(b, 'status', 'running');
  assert.equal(await b.locator('[data-testid=running]').isChecked(), true);
  assert.equal(doppel('get', 'running'), 'true');
  assert.equal(doppel('get', 'status'), '"running"');

  await a.fill('[data-testid=reset-value]', '33');
  await a.click('[data-testid=reset]');
  await waitText(b, 'speed', '33');
  await waitText(a, 'reset-result', /returned \d+/);
  assert.equal(doppel('get', 'speed'), '33');

  // and the other way: a C++ write shows in both pages
  doppel('set', 'speed', '57');
  await waitText(a, 'speed', '57');
  await waitText(b, 'speed', '57');
  await b.screenshot({ path: join(artifacts, 'demo-2-second-page.png') });
});

test('an item added in one page shows in the other and in the C++ model', async () => {
  const [a, b] = pages;
  const items = (page) => page.locator('[data-testid=items] li').allInnerTexts();
  await waitText(a, 'item-count', '(2)'); // the master starts with two items
  await waitText(b, 'item-count', '(2)');
  await a.fill('[data-testid=item-name]', 'added in page one');
  await a.click('[data-testid=add]');
  await waitText(b, 'item-count', '(3)');
  assert.match((await items(b))[2], /^added in page one/);
  // The C++ model holds it at row 2: an item added from C++ (the doppel CLI over tcp, calling
  // ModelAPI.addItem) lands after it in both pages, and removing row 2 from C++ removes it.
  execFileSync(cli, ['call', tcpUrl, 'ModelAPI', 'addItem', '"added by the CLI"'], { encoding: 'utf8', timeout: 10000 });
  await waitText(a, 'item-count', '(4)');
  await waitText(b, 'item-count', '(4)');
  for (const page of pages) {
    const rows = await items(page);
    assert.match(rows[2], /^added in page one/);
    assert.match(rows[3], /^added by the CLI/);
  }
  await b.screenshot({ path: join(artifacts, 'demo-items.png') });
  execFileSync(cli, ['call', tcpUrl, 'ModelAPI', 'removeItem', '2'], { encoding: 'utf8', timeout: 10000 });
  await waitText(a, 'item-count', '(3)');
  await waitText(b, 'item-count', '(3)');
  for (const page of pages) {
    const rows = await items(page);
    assert.ok(!rows.some((r) => r.startsWith('added in page one')), `page still shows the removed item: ${rows}`);
    assert.match(rows[2], /^added by the CLI/);
  }
});

test('the alarm signal is shown', async () => {
  const [a, b] = pages;
  // At speed 57 the temperature stays below 66; the threshold is raised to 90 first, then full
  // speed makes it climb towards 100, crossing 90 some seconds later however slow the CLI is.
  doppel('set', 'alarmThreshold', '90');
  doppel('set', 'speed', '100');
  await b.waitForSelector('[data-testid=alarms] li', { timeout: 30000 });
  assert.match(await text(b, 'alarms'), /threshold/);
  await a.waitForSelector('[data-testid=alarms] li', { timeout: 5000 });
});

test('the pages recover after the master restarts', async () => {
  const [a, b] = pages;
  await a.click('[data-testid=stop]');
  await waitText(b, 'status', 'stopped');
  await stopProcess(host);
  host = undefined;
  await waitText(a, 'state', 'Suspect');
  await a.screenshot({ path: join(artifacts, 'demo-3-master-down.png') });
  await startMaster();
  for (const page of pages) await waitText(page, 'state', 'Valid', 15000);
  await waitText(a, 'speed', '10'); // --no-state: the restarted master starts from its defaults
  await a.click('[data-testid=start]');
  await waitText(b, 'status', 'running');
  await a.screenshot({ path: join(artifacts, 'demo-4-recovered.png') });
});

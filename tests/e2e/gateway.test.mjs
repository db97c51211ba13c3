// End to end through doppel-gateway in headless Chromium (issue 7): three pages, each in its own
// browser context (its own cookie jar), get three separate example_03_imgui_panel processes
// (forked from the --warm template), all mirroring one demo_master. An item typed into one panel
// appears in the other two; a reload returns to the same process; a fourth user gets the "full"
// page; a wrong token is refused; the master is killed and restarted with the same --state under
// the panels (they reconnect, the persisted speed is kept). A second gateway with a short grace
// and idle timeout shows sessions being reaped (and no process left behind), and a third, with
// --cert/--key, serves a page over https whose session is relayed and shows the same items.
//
// The panel's layout is fixed (examples/03-imgui-panel at 1280x800): the add field is at
// (100, 245), the item list in the rectangle `itemsClip`, the "master URL: STATE" line in
// `headerClip`. Screenshots go to $DOPPEL_JS_ARTIFACTS/gateway-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { comparePng, decodePng } from './png.mjs';

const root = new URL('../../', import.meta.url).pathname;
const client = join(root, 'web/client');
const { findBinary, freePort, startProcess, stopProcess, until } = await import(join(client, 'test/support.mjs'));
const { chromium } = createRequire(join(client, 'package.json'))('playwright-core');

const gatewayBin = findBinary('DOPPEL_GATEWAY', 'doppel-gateway');
const masterBin = findBinary('DOPPEL_DEMO_MASTER', 'demo_master');
const panelBin = findBinary('DOPPEL_IMGUI_PANEL', 'example_03_imgui_panel');
const cliBin = findBinary('DOPPEL_CLI', 'doppel');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = process.env.DOPPEL_JS_ARTIFACTS ?? join(root, 'build-js/artifacts');
mkdirSync(artifacts, { recursive: true });

const TOKEN = 'e2e-gateway-token';
const itemsClip = { x: 0, y: 215, width: 700, height: 160 };
const headerClip = { x: 0, y: 19, width: 640, height: 20 };
const SLACK = 4;  // pixels SwiftShader may draw differently for the same draw lists
const WAIT = 30000;  // generous: a CI build runs on the other core

let stateDir;
let masterUrl;
let master;
let gateway;  // { child, port }
let browser;
const users = [];  // { context, page, name }

function cli(...args) {
  return execFileSync(cliBin, [...args], { timeout: 15000, encoding: 'utf8' }).trim();
}

async function startMaster() {
  return (await startProcess(masterBin, ['--no-web', '--state', join(stateDir, 'master.sqlite'), masterUrl], /shared on/, WAIT)).child;
}

async function startGateway(extra) {
  const port = await freePort();
  const { child } = await startProcess(gatewayBin, ['--listen', `127.0.0.1:${port}`, '--token', TOKEN, ...extra,
    '--app', panelBin, '--master', masterUrl], /doppel-gateway: open/, WAIT);
  return { child, port };
}

async function fetchText(gw, path) {
  const r = await fetch(`http://127.0.0.1:${gw.port}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` }, redirect: 'manual' });
  return { status: r.status, text: await r.text() };
}

/** The gateway's sessions from /status: [{ id, pid, state, connections, ended }]. */
async function sessions(gw) {
  const { text } = await fetchText(gw, '/status');
  const rows = [...text.matchAll(/<tr><td>([0-9a-f]+)<\/td><td>(\d+)<\/td><td>(\w+)<\/td><td>(\d+)<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td>([^<]*)<\/td><\/tr>/g)];
  return rows.map((m) => ({ id: m[1], pid: Number(m[2]), state: m[3], connections: Number(m[4]), ended: m[5] }));
}

async function metric(gw, name) {
  const { text } = await fetchText(gw, '/metrics');
  const m = text.match(new RegExp(`^${name} (\\d+)`, 'm'));
  return m ? Number(m[1]) : NaN;
}

const cookieOf = async (context) => (await context.cookies()).find((c) => c.name === 'doppel_session')?.value;
const sessionOf = async (gw, context) => {
  const id = (await cookieOf(context)).slice(0, 8);
  return (await sessions(gw)).find((s) => s.id === id && s.state === 'running');
};
const exeOf = (pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0]; } catch { return null; } };
const zombies = (pids) => pids.filter((pid) => { try { return / Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; } });

async function shot(page, clip, name) {
  const png = await page.screenshot({ clip });
  if (name) writeFileSync(join(artifacts, `gateway-${name}.png`), png);
  return decodePng(png);
}

/** Waits until the clip is steady (two equal pictures in a row) and `predicate(picture)` holds. */
async function waitPicture(page, clip, name, predicate, what) {
  let last = null;
  let img = null;
  await until(async () => {
    img = await shot(page, clip, name);
    const steady = last !== null && comparePng(img, last).differing <= SLACK;
    last = img;
    return steady && predicate(img);
  }, WAIT, what);
  return img;
}

async function openUser(gw, name) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error(`${name}:`, e.message));
  const response = await page.goto(`http://127.0.0.1:${gw.port}/?token=${TOKEN}`);
  return { context, page, name, response };
}

const connected = (page) => page.waitForFunction(() => window.__doppelViewer?.connected && window.__doppelViewer.framesDrawn > 0, null, { timeout: WAIT });

before(async () => {
  assert.ok(gatewayBin && masterBin && panelBin && cliBin, 'doppel-gateway, demo_master, example_03_imgui_panel and doppel must be built');
  stateDir = mkdtempSync(join(tmpdir(), 'doppel-e2e-gateway-'));
  masterUrl = `tcp://127.0.0.1:${await freePort()}`;
  master = await startMaster();
  gateway = await startGateway(['--warm', '--max-sessions', '3', '--grace', '60']);
  browser = await chromium.launch({
    executablePath: browserPath,
    args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--font-render-hinting=none'],
  });
});

after(async () => {
  await browser?.close();
  if (gateway) await stopProcess(gateway.child);
  if (master) await stopProcess(master);
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

test('three pages get three separate panel processes', async () => {
  for (const name of ['a', 'b', 'c']) users.push(await openUser(gateway, name));
  for (const u of users) {
    assert.equal(u.response.status(), 200, `${u.name}: the viewer page`);
    await connected(u.page);
  }
  const pids = [];
  for (const u of users) {
    const s = await sessionOf(gateway, u.context);
    assert.ok(s, `${u.name}: a running session for its cookie`);
    assert.equal(exeOf(s.pid), panelBin, `${u.name}: pid ${s.pid} is the panel`);
    u.pid = s.pid;
    pids.push(s.pid);
  }
  assert.equal(new Set(pids).size, 3, `three processes: ${pids}`);
  assert.equal(await metric(gateway, 'doppel_gateway_sessions'), 3);
});

test('an item added in one panel appears in the other two', async () => {
  const before0 = [];
  for (const u of users) {
    // The master's two items, drawn once the model replica is in.
    before0.push(await waitPicture(u.page, itemsClip, `${u.name}-items-before`, () => true, `${u.name}: the item list`));
  }
  await users[0].page.mouse.click(100, 245);
  await users[0].page.keyboard.type('added in page a');
  await users[0].page.keyboard.press('Enter');
  await users[0].page.mouse.move(900, 700);  // no hover colour in the list
  const after1 = [];
  for (const [i, u] of users.entries()) {
    after1.push(await waitPicture(u.page, itemsClip, `${u.name}-items-after-a`,
      (img) => comparePng(img, before0[i]).differing > 50, `${u.name}: the new item`));
  }
  // All three show the same list (the same rows, from the same master).
  assert.ok(comparePng(after1[0], after1[1]).differing <= SLACK, 'a and b show the same list');
  assert.ok(comparePng(after1[0], after1[2]).differing <= SLACK, 'a and c show the same list');
  // And the other way: an item added by someone else (the CLI) reaches every panel.
  cli('call', masterUrl, 'ModelAPI', 'addItem', '"added from the CLI"');
  for (const [i, u] of users.entries()) {
    await waitPicture(u.page, itemsClip, `${u.name}-items-after-cli`,
      (img) => comparePng(img, after1[i]).differing > 50, `${u.name}: the CLI's item`);
  }
});

test('a reload returns to the same process', async () => {
  const u = users[1];
  const started = await metric(gateway, 'doppel_gateway_sessions_started_total');
  const cookie = await cookieOf(u.context);
  await u.page.reload();
  await connected(u.page);
  assert.equal(await cookieOf(u.context), cookie, 'the same session cookie');
  const s = await sessionOf(gateway, u.context);
  assert.equal(s?.pid, u.pid, 'the same process');
  assert.equal(await metric(gateway, 'doppel_gateway_sessions_started_total'), started, 'no new session');
  await u.page.screenshot({ path: join(artifacts, 'gateway-b-reloaded.png') });
});

test('a fourth user gets the "full" page; a wrong token is refused', async () => {
  const fourth = await openUser(gateway, 'd');
  try {
    assert.equal(fourth.response.status(), 503);
    assert.match(await fourth.page.content(), /full|busy|too many/i);
    await fourth.page.screenshot({ path: join(artifacts, 'gateway-d-full.png') });
  } finally {
    await fourth.context.close();
  }
  const wrong = await fetch(`http://127.0.0.1:${gateway.port}/?token=wrong`, { redirect: 'manual' });
  assert.equal(wrong.status, 401);
  assert.equal(wrong.headers.get('set-cookie'), null, 'no session for a wrong token');
  assert.equal(await metric(gateway, 'doppel_gateway_sessions'), 3);
});

test('the master restarts under the panels: they reconnect, the persisted speed and items are kept', async () => {
  cli('set', masterUrl, 'ControlUnit', 'speed', '42');  // returns once the master has it
  const itemsBefore = cli('get', masterUrl, 'ModelAPI', 'items');
  assert.match(itemsBefore, /added from the CLI/);
  const headers = [];
  for (const u of users) headers.push(await waitPicture(u.page, headerClip, `${u.name}-header-valid`, () => true, `${u.name}: header`));
  master.kill('SIGKILL');
  await new Promise((r) => master.once('exit', r));
  for (const [i, u] of users.entries()) {
    await waitPicture(u.page, headerClip, `${u.name}-header-lost`,
      (img) => comparePng(img, headers[i]).differing > SLACK, `${u.name}: the panel to see the master go`);
  }
  master = await startMaster();
  for (const [i, u] of users.entries()) {
    await waitPicture(u.page, headerClip, `${u.name}-header-back`,
      (img) => comparePng(img, headers[i]).differing <= SLACK, `${u.name}: the panel to reconnect`);
    await u.page.screenshot({ path: join(artifacts, `gateway-${u.name}-after-restart.png`) });
  }
  assert.equal(cli('get', masterUrl, 'ControlUnit', 'speed'), '42', 'speed persisted across the restart');
  assert.equal(cli('get', masterUrl, 'ModelAPI', 'items'), itemsBefore, 'every acknowledged item kept across the kill');
  // Still the same three processes.
  for (const u of users) assert.equal((await sessionOf(gateway, u.context))?.pid, u.pid, `${u.name}: same process`);
});

test('sessions are reaped after the grace period and the idle timeout', async () => {
  // The idle timeout is long enough for a loaded machine to open a page within it.
  const short = await startGateway(['--grace', '2', '--idle-timeout', '10']);
  try {
    const leaving = await openUser(short, 'leaving');
    await connected(leaving.page);
    const pLeaving = (await sessionOf(short, leaving.context))?.pid;
    assert.ok(exeOf(pLeaving), `the leaving page's process runs (${pLeaving})`);
    await leaving.context.close();  // the user leaves: no connection, the grace period starts
    const idle = await openUser(short, 'idle');
    await connected(idle.page);
    const pIdle = (await sessionOf(short, idle.context))?.pid;
    assert.ok(exeOf(pIdle), `the idle page's process runs (${pIdle})`);
    await until(async () => (await sessions(short)).some((s) => s.pid === pLeaving && s.state === 'ended'), WAIT, 'the grace reaping');
    // The idle page keeps its WebSocket open but sends nothing: ended by the idle timeout.
    await until(async () => (await sessions(short)).some((s) => s.pid === pIdle && s.state === 'ended'), WAIT, 'the idle reaping');
    // Its viewer says why at once (it asks /session/status when its WebSocket closes).
    await idle.page.waitForFunction(() => /Session ended: the session was idle too long/.test(document.getElementById('status-text')?.textContent ?? ''),
      null, { timeout: WAIT });
    const ended = await sessions(short);
    assert.match(ended.find((s) => s.pid === pLeaving).ended, /grace|away/i);
    assert.match(ended.find((s) => s.pid === pIdle).ended, /idle/i);
    await until(async () => exeOf(pLeaving) === null && exeOf(pIdle) === null, WAIT, 'the processes to be gone (reaped)');
    assert.deepEqual(zombies([pLeaving, pIdle]), []);
    assert.equal(await metric(short, 'doppel_gateway_sessions'), 0);
    await idle.context.close();
  } finally {
    await stopProcess(short.child);
  }
});

test('over https (--cert/--key) a page gets its own panel through the relay, showing the shared state', async () => {
  const certs = join(root, 'tests/web/certs');
  const tls = await startGateway(['--cert', join(certs, 'test-cert.pem'), '--key', join(certs, 'test-key.pem')]);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('https:', e.message));
    const response = await page.goto(`https://127.0.0.1:${tls.port}/?token=${TOKEN}`);
    assert.equal(response.status(), 200, 'the viewer page over https');
    await connected(page);
    assert.equal(await page.evaluate(() => location.protocol), 'https:');
    const cookie = (await context.cookies()).find((c) => c.name === 'doppel_session');
    assert.ok(cookie?.secure, 'the session cookie is Secure over https');
    // The same items as a plain-http user's panel: the relayed session mirrors the same master.
    const reference = await waitPicture(users[0].page, itemsClip, 'a-items-reference', () => true, 'a: the item list');
    await page.mouse.move(900, 700);
    await waitPicture(page, itemsClip, 'https-items', (img) => comparePng(img, reference).differing <= SLACK,
      'the https page: the same item list as page a');
  } finally {
    await context.close();
    await stopProcess(tls.child);
  }
});

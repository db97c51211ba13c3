#!/usr/bin/env node
// doppel.js benchmarks from Node.js: slot round trip (echo(int), awaited) and property pushes per
// second (burst(count): the host sets `value` to 1..count as fast as it can) over ws, tcp and a
// local socket, all against the same host (bench_js_host), printed side by side. Then, unless
// --no-browser, the same slot round trip from a page in headless Chromium (over ws), and a
// 100,000-row model in headless Chromium (/usr/bin/chromium through
// playwright-core): a page served by the same host acquires "Big" with a window of 50 rows; the
// time from navigation start (and from the page's script start) until those 50 rows are in the
// DOM, median of --loads page loads.
//
//   node bench/js/run.mjs [--bin DIR] [--calls N] [--pushes N] [--rounds R] [--rows N]
//                         [--loads N] [--no-browser] [--json]
//
// Needs web/client built (npm ci && npm run build) and bench_js_host (ninja bench_js_host).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const client = join(root, 'web/client');
const { createNode } = await import(join(client, 'dist/node.js'));
const WebSocket = createRequire(join(client, 'package.json'))('ws');

const argv = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : fallback;
};
const binDir = opt('bin', ['build/bin', 'build-js/bin'].map((d) => join(root, d)).find((d) => existsSync(join(d, 'bench_js_host'))) ?? join(root, 'build/bin'));
const calls = Number(opt('calls', 2000));
const pushes = Number(opt('pushes', 20000));
const rounds = Number(opt('rounds', 3));
const json = argv.includes('--json');
const rows = Number(opt('rows', 100000));
const loads = Number(opt('loads', 5));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const browser = !argv.includes('--no-browser') && existsSync(chromiumPath);
const WINDOW = 50;

// The page of the model measurement: doppel.js from the same directory, one window of rows.
const modelPage = `<!doctype html><meta charset="utf-8"><title>Big</title><ol id="rows"></ol>
<script type="module">
import { Node } from './doppel.js';
const scriptStart = performance.now();
const node = new Node({ reconnectMs: 0 });
const model = node.acquireModel('Big', { window: { first: 0, count: ${WINDOW} } });
const ol = document.getElementById('rows');
model.on('rows', () => {
  if (ol.children.length > 0) return;
  for (let i = 0; i < ${WINDOW}; i++) if (!model.hasRow(i)) return;
  for (let i = 0; i < ${WINDOW}; i++) {
    const li = document.createElement('li');
    li.textContent = model.data(i, 'display');
    ol.append(li);
  }
  // Visible: after the next frame has been produced with the rows in it.
  requestAnimationFrame(() => setTimeout(() => {
    window.result = { sinceNavigation: performance.now(), sinceScript: performance.now() - scriptStart, rowCount: model.rowCount };
  }));
});
node.connect(\`ws://\${location.host}/\`);
</script>
`;
// The page of the in-browser round trip: echo(i) awaited, as measure() does from Node.js.
const rttPage = `<!doctype html><meta charset="utf-8"><title>echo</title>
<script type="module">
import { Node } from './doppel.js';
const node = new Node({ reconnectMs: 0, callTimeoutMs: 60000 });
const bench = node.acquireDynamic('Bench');
node.connect(\`ws://\${location.host}/\`);
await bench.waitForValid(5000);
for (let i = 0; i < 200; i++) await bench.call('echo', i); // warm up
const perCall = [];
for (let r = 0; r < ${rounds}; r++) {
  const t = performance.now();
  for (let i = 0; i < ${calls}; i++) {
    if ((await bench.call('echo', i)) !== i) throw new Error('echo returned the wrong value');
  }
  perCall.push((performance.now() - t) * 1000 / ${calls});
}
// The floor: 16-byte binary ping-pong on a plain WebSocket to an echo server in Node.js (?echo=PORT).
const echo = new WebSocket(\`ws://127.0.0.1:\${new URLSearchParams(location.search).get('echo')}/\`);
echo.binaryType = 'arraybuffer';
await new Promise((resolve) => (echo.onopen = resolve));
const ping = new Uint8Array(16);
const pong = () => new Promise((resolve) => (echo.onmessage = resolve));
for (let i = 0; i < 200; i++) { const p = pong(); echo.send(ping); await p; }
const floorPerCall = [];
for (let r = 0; r < ${rounds}; r++) {
  const t = performance.now();
  for (let i = 0; i < ${calls}; i++) { const p = pong(); echo.send(ping); await p; }
  floorPerCall.push((performance.now() - t) * 1000 / ${calls});
}
window.result = { perCall, floorPerCall };
</script>
`;
const webRoot = mkdtempSync(join(tmpdir(), 'doppel-js-bench-'));
writeFileSync(join(webRoot, 'index.html'), modelPage);
writeFileSync(join(webRoot, 'rtt.html'), rttPage);
copyFileSync(join(client, 'dist/doppel.js'), join(webRoot, 'doppel.js'));

function startHost() {
  return new Promise((resolve, reject) => {
    const args = ['--local', `doppel-js-bench-${process.pid}`, '--rows', String(rows), '--web-root', webRoot];
    const child = spawn(join(binDir, 'bench_js_host'), args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.once('error', reject);
    child.stdout.on('data', (d) => {
      out += d;
      const urls = [...out.matchAll(/LISTENING (\S+)/g)].map((m) => m[1]);
      const http = out.match(/HTTP (\S+)/);
      if (urls.length === 3 && http) resolve({ child, urls, http: http[1] });
    });
  });
}

async function measure(url) {
  const node = createNode({ WebSocket, reconnectMs: 0, callTimeoutMs: 60000 });
  const bench = node.acquireDynamic('Bench');
  await node.connect(url);
  await bench.waitForValid(5000);
  for (let i = 0; i < 200; i++) await bench.call('echo', i); // warm up
  const rtt = [];
  const rate = [];
  for (let r = 0; r < rounds; r++) {
    let t = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) {
      if ((await bench.call('echo', i)) !== i) throw new Error('echo returned the wrong value');
    }
    rtt.push(Number(process.hrtime.bigint() - t) / 1000 / calls);
    await bench.call('pushValue', 0);
    await new Promise((resolve) => (bench.get('value') === 0 ? resolve() : bench.onChanged('value', (v) => v === 0 && resolve())));
    let seen = 0;
    const done = new Promise((resolve) => {
      const off = bench.onChanged('value', (v) => {
        seen++;
        if (v === pushes) {
          off();
          resolve();
        }
      });
    });
    t = process.hrtime.bigint();
    await bench.call('burst', pushes);
    await done;
    rate.push(pushes / (Number(process.hrtime.bigint() - t) / 1e9)); // as bench_doppel_client: values set per second
  }
  node.close();
  const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  return { rttMicros: median(rtt), pushesPerSecond: median(rate) };
}

/** Slot round trip from a page in headless Chromium over ws, and the page's plain-WebSocket
 *  16-byte ping-pong with an echo server in this process as its floor (medians of the rounds). */
async function measureBrowserRtt(httpUrl) {
  const { chromium } = createRequire(join(client, 'package.json'))('playwright-core');
  const echo = new WebSocket.Server({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  echo.on('connection', (ws) => ws.on('message', (m) => ws.send(m)));
  await new Promise((resolve) => echo.once('listening', resolve));
  const b = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await b.newPage();
    page.on('pageerror', (e) => console.error('rtt page:', e.message));
    await page.goto(new URL(`rtt.html?echo=${echo.address().port}`, httpUrl).href);
    await page.waitForFunction(() => window.result !== undefined, null, { timeout: 120000 });
    const { perCall, floorPerCall } = await page.evaluate(() => window.result);
    const median = (xs) => xs.slice().sort((x, y) => x - y)[xs.length >> 1];
    return { rttMicros: median(perCall), floorMicros: median(floorPerCall) };
  } finally {
    await b.close();
    echo.close();
  }
}

async function measureModelPage(httpUrl) {
  const { chromium } = createRequire(join(client, 'package.json'))('playwright-core');
  const b = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await b.newPage();
    const runs = [];
    for (let i = 0; i < loads + 1; i++) {
      await page.goto(httpUrl);
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30000 });
      const r = await page.evaluate(() => window.result);
      const texts = await page.locator('#rows li').allInnerTexts();
      if (r.rowCount !== rows || texts.length !== WINDOW || texts[WINDOW - 1] !== `item ${WINDOW - 1}`)
        throw new Error(`the page shows ${texts.length} rows of ${r.rowCount}: ${texts.slice(-1)}`);
      if (i > 0) runs.push(r); // the first load warms the browser's caches
    }
    const median = (xs) => xs.slice().sort((x, y) => x - y)[xs.length >> 1];
    return { rows, window: WINDOW, loads, sinceNavigationMs: median(runs.map((r) => r.sinceNavigation)), sinceScriptMs: median(runs.map((r) => r.sinceScript)) };
  } finally {
    await b.close();
  }
}

const host = await startHost();
const byScheme = Object.fromEntries(host.urls.map((u) => [u.slice(0, u.indexOf(':')), u]));
const results = {};
let modelPageResult;
let browserRttMicros; // { rttMicros, floorMicros }
try {
  for (const scheme of ['ws', 'tcp', 'local']) results[scheme] = await measure(byScheme[scheme]);
  if (browser) browserRttMicros = await measureBrowserRtt(host.http);
  if (browser) modelPageResult = await measureModelPage(host.http);
} finally {
  host.child.kill();
  rmSync(webRoot, { recursive: true, force: true });
}
if (json) {
  console.log(JSON.stringify({ calls, pushes, rounds, results, browserRttMicros, modelPage: modelPageResult }));
} else {
  console.log(`doppel.js (Node.js ${process.version}) against bench_js_host; median of ${rounds} rounds`);
  console.log(`${'transport'.padEnd(10)}${'slot round trip'.padStart(18)}${'property pushes/s'.padStart(20)}${'vs tcp (rtt)'.padStart(15)}`);
  for (const [scheme, r] of Object.entries(results)) {
    const ratio = (r.rttMicros / results.tcp.rttMicros).toFixed(2);
    console.log(`${scheme.padEnd(10)}${(r.rttMicros.toFixed(1) + ' µs').padStart(18)}${Math.round(r.pushesPerSecond).toString().padStart(20)}${(ratio + 'x').padStart(15)}`);
  }
  if (browserRttMicros !== undefined) {
    const { rttMicros, floorMicros } = browserRttMicros;
    console.log(`In headless Chromium, over ws: slot round trip ${rttMicros.toFixed(1)} µs; a plain WebSocket 16-byte ` +
      `ping-pong from the same page to an echo server ${floorMicros.toFixed(1)} µs (doppel.js ${(100 * rttMicros / floorMicros).toFixed(0)}% of it)`);
  }
  if (modelPageResult) {
    const m = modelPageResult;
    console.log(`${m.rows.toLocaleString('en')}-row model in Chromium, first ${m.window} rows in the DOM and a frame drawn: ` +
      `${m.sinceNavigationMs.toFixed(1)} ms from navigation start, ${m.sinceScriptMs.toFixed(1)} ms from the page's script (median of ${m.loads} loads)`);
  }
}

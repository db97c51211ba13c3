#!/usr/bin/env node
// doppel.js benchmarks from Node.js: slot round trip (echo(int), awaited) and property pushes per
// second (burst(count): the host sets `value` to 1..count as fast as it can) over ws, tcp and a
// local socket, all against the same host (bench_js_host), printed side by side.
//
//   node bench/js/run.mjs [--bin DIR] [--calls N] [--pushes N] [--rounds R] [--json]
//
// Needs web/client built (npm ci && npm run build) and bench_js_host (ninja bench_js_host).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
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

function startHost() {
  return new Promise((resolve, reject) => {
    const child = spawn(join(binDir, 'bench_js_host'), ['--local', `doppel-js-bench-${process.pid}`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.once('error', reject);
    child.stdout.on('data', (d) => {
      out += d;
      const urls = [...out.matchAll(/LISTENING (\S+)/g)].map((m) => m[1]);
      if (urls.length === 3) resolve({ child, urls });
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
    rate.push(seen / (Number(process.hrtime.bigint() - t) / 1e9));
  }
  node.close();
  const median = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  return { rttMicros: median(rtt), pushesPerSecond: median(rate) };
}

const host = await startHost();
const byScheme = Object.fromEntries(host.urls.map((u) => [u.slice(0, u.indexOf(':')), u]));
const results = {};
try {
  for (const scheme of ['ws', 'tcp', 'local']) results[scheme] = await measure(byScheme[scheme]);
} finally {
  host.child.kill();
}
if (json) {
  console.log(JSON.stringify({ calls, pushes, rounds, results }));
} else {
  console.log(`doppel.js (Node.js ${process.version}) against bench_js_host; median of ${rounds} rounds`);
  console.log(`${'transport'.padEnd(10)}${'slot round trip'.padStart(18)}${'property pushes/s'.padStart(20)}${'vs tcp (rtt)'.padStart(15)}`);
  for (const [scheme, r] of Object.entries(results)) {
    const ratio = (r.rttMicros / results.tcp.rttMicros).toFixed(2);
    console.log(`${scheme.padEnd(10)}${(r.rttMicros.toFixed(1) + ' µs').padStart(18)}${Math.round(r.pushesPerSecond).toString().padStart(20)}${(ratio + 'x').padStart(15)}`);
  }
}

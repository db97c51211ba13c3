// Helpers shared by the Node.js tests: finding the C++ programs, free ports, child processes.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;

/** A C++ program: from env var `envName`, else the first build directory that has it. */
export function findBinary(envName, name) {
  if (process.env[envName]) return process.env[envName];
  const dirs = process.env.DOPPEL_BIN_DIR ? [process.env.DOPPEL_BIN_DIR] : ['build-js/bin', 'build/bin'].map((d) => join(root, d));
  for (const d of dirs) if (existsSync(join(d, name))) return join(d, name);
  return undefined;
}

/** A TCP port that was free a moment ago (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts a program and resolves once a line of its stdout matches `ready`. */
export function startProcess(bin, args, ready = /./, timeoutMs = 10000) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${bin} not ready after ${timeoutMs} ms: ${out} ${err}`));
    }, timeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(ready);
      if (m && timer) {
        clearTimeout(timer);
        resolve({ child, match: m, output: () => out });
      }
    });
    child.stderr.on('data', (d) => (err += d));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${bin} exited with ${code}: ${out} ${err}`));
    });
  });
}

/** Stops a child process and waits for it to exit. */
export function stopProcess(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 3000).unref();
  });
}

/** Resolves when `predicate()` is true, polling; rejects after timeoutMs. */
export async function until(predicate, timeoutMs = 5000, what = 'condition') {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

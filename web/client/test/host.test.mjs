// End to end from Node.js against the C++ demo master (examples/demo/master.cpp): acquire the
// ControlUnit, read, call, write, receive signals, and survive a host restart (Valid → Suspect
// → Valid with a resync report) — over tcp, a local socket, and ws (the master's web endpoint).
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { after, describe, test } from 'node:test';

import { ReplicaState, createNode } from '../dist/node.js';
import { findBinary, freePort, startProcess, stopProcess, until } from './support.mjs';

const WebSocket = createRequire(import.meta.url)('ws');
const master = findBinary('DOPPEL_DEMO_MASTER', 'demo_master');
const skip = !master && !process.env.DOPPEL_BIN_DIR && 'demo_master not built';
const TOKEN = 'test-token-' + process.pid;

/** Starts demo_master on `url`, with its web endpoint on a free port; resolves its ws URL. */
async function startMaster(url, webPort) {
  const args = ['--no-state', '--token', TOKEN, '--web', `127.0.0.1:${webPort ?? 0}`, url];
  const p = await startProcess(master, args, /WebSocket on (\S+)/);
  const ws = p.match[1].replace(/\/?$/, '/') + '?token=' + TOKEN;
  return { child: p.child, ws, webPort: Number(new URL(p.match[1]).port) };
}

function scenario(name, makeUrl) {
  describe(name, { skip }, () => {
    let host;
    let node;
    let url;
    after(async () => {
      node?.close();
      if (host) await stopProcess(host.child);
    });

    test('acquire, read, call, write, signal, restart and resync', async () => {
      const tcpUrl = `tcp://127.0.0.1:${await freePort()}`;
      host = await startMaster(tcpUrl);
      url = makeUrl(tcpUrl, host);
      node = createNode({ WebSocket, reconnectMs: 50, maxReconnectMs: 200, callTimeoutMs: 5000 });
      const states = [];
      const unit = node.acquireDynamic('ControlUnit');
      unit.on('state', (s) => states.push(s));
      await node.connect(url);
      await unit.waitForValid(5000);
      assert.equal(unit.state, ReplicaState.Valid);

      // read
      assert.deepEqual(unit.propertyNames.slice(0, 4), ['status', 'temperature', 'running', 'speed']);
      assert.equal(unit.value('status').type, 'QString');
      assert.equal(unit.value('speed').type, 'int');
      assert.equal(unit.value('temperature').type, 'double');
      assert.equal(unit.get('running'), false);

      // awaited slot call with a return value: reset(int) returns the previous speed
      const before = unit.get('speed');
      const previous = await unit.call('reset', 42);
      assert.equal(previous, before);
      await until(() => unit.get('speed') === 42, 3000, 'speed 42 after reset');

      // write a READWRITE property; the change comes back as an event
      const changed = new Promise((resolve) => unit.onChanged('speed', resolve));
      assert.equal(unit.set('speed', 77), true);
      assert.equal(await changed, 77);

      // void slots and the change they cause
      await unit.call('start');
      await until(() => unit.get('running') === true && unit.get('status') === 'running', 3000, 'running');

      // a signal: the master emits alarm(message) when the temperature crosses the threshold
      const alarm = new Promise((resolve) => unit.onSignal('alarm', resolve));
      // Far enough above that a tick between our read and the write cannot jump past it.
      unit.set('alarmThreshold', unit.get('temperature') + 8);
      const message = await alarm;
      assert.match(message, /threshold/);
      await unit.call('stop');
      await until(() => unit.get('running') === false, 3000, 'stopped');

      // host restart: Suspect while away, Valid again with a resync report
      const resync = new Promise((resolve) => unit.once('resync', resolve));
      await stopProcess(host.child);
      await until(() => unit.state === ReplicaState.Suspect, 5000, 'Suspect');
      await assert.rejects(unit.call('reset', 1), /not connected|ControlUnit/);
      host = await startMaster(tcpUrl, host.webPort);
      const changedNames = await resync;
      assert.equal(unit.state, ReplicaState.Valid);
      assert.ok(changedNames.includes('speed'), `resync reports speed: ${changedNames}`);
      assert.equal(unit.get('speed'), 10, 'fresh value from the restarted master');
      assert.deepEqual(states.slice(0, 1), [ReplicaState.Valid]);
      assert.ok(states.includes(ReplicaState.Suspect));
      assert.equal(states[states.length - 1], ReplicaState.Valid);
    });
  });
}

scenario('tcp', (tcpUrl) => tcpUrl);
scenario('ws', (_tcp, host) => host.ws);

describe('local socket', { skip }, () => {
  test('acquire and call over a Unix socket', async () => {
    const name = `doppel-js-test-${process.pid}`;
    const host = await startMaster(`local:${name}`);
    const node = createNode({ reconnectMs: 0 });
    try {
      const unit = node.acquireDynamic('ControlUnit');
      await node.connect(`local:${name}`);
      await unit.waitForValid(5000);
      const before = unit.get('speed');
      assert.equal(await unit.call('reset', 5), before);
      await until(() => unit.get('speed') === 5, 3000, 'speed 5');
    } finally {
      node.close();
      await stopProcess(host.child);
    }
  });
});

describe('bad endpoints', () => {
  test('a refused connection rejects connect() when reconnecting is off', async () => {
    const node = createNode({ reconnectMs: 0 });
    await assert.rejects(node.connect(`tcp://127.0.0.1:${await freePort()}`), /cannot connect/);
    node.close();
  });
  test('an unknown scheme is an error', async () => {
    const node = createNode({ reconnectMs: 0 });
    await assert.rejects(node.connect('foo://x'), /no transport/);
  });
  test('a wrong token is refused before the upgrade', { skip }, async () => {
    const host = await startMaster(`tcp://127.0.0.1:${await freePort()}`);
    const node = createNode({ WebSocket, reconnectMs: 0 });
    try {
      await assert.rejects(node.connect(host.ws.replace(TOKEN, 'wrong')), /cannot connect/);
    } finally {
      node.close();
      await stopProcess(host.child);
    }
  });
  void tmpdir;
});

// The node and dynamic replica against an in-process fake host (no sockets): handshake checks,
// definition, reads, calls, writes, signals (stale extra arguments ignored), states, reconnect
// with a resync report, failed calls on disconnect and timeouts, and malformed frames.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FrameSplitter, Node, QValue, ReplicaState, TypeRegistry, decodePacket, encodePacket } from '../dist/node.js';
import { until } from './support.mjs';

const definition = {
  typeName: 'Lab', enums: [{ name: 'Mode', isFlag: false, isScoped: false, size: 4, keys: [['Off', 0], ['On', 1]] }],
  qtEnums: [], gadgets: [],
  signals: [
    { signature: 'countChanged(int)', name: 'countChanged', parameterTypes: ['int'], parameterNames: ['count'] },
    { signature: 'big(qlonglong)', name: 'big', parameterTypes: ['qlonglong'], parameterNames: ['v'] },
  ],
  methods: [
    { signature: 'add(int,int)', name: 'add', parameterTypes: ['int', 'int'], parameterNames: ['a', 'b'], returnType: 'int' },
    { signature: 'poke()', name: 'poke', parameterTypes: [], parameterNames: [], returnType: 'void' },
    { signature: 'silent(qlonglong)', name: 'silent', parameterTypes: ['qlonglong'], parameterNames: ['x'], returnType: 'qlonglong' },
  ],
  properties: [
    { name: 'count', type: 'int', notify: 'countChanged(int)' },
    { name: 'label', type: 'QString', notify: null },
  ],
};

/** A host in memory: one "connection" per dial; records what the client sends. */
class FakeHost {
  constructor() {
    this.reg = new TypeRegistry();
    this.values = [new QValue('int', 1), new QValue('QString', null)];
    this.received = [];
    this.handshake = 'QtRO 2.0';
    this.peers = new Set();
    this.up = true;
  }
  connector = async () => {
    if (!this.up) throw new Error('cannot connect: host down');
    const split = new FrameSplitter();
    const peer = {
      send: (bytes) => {
        for (const f of split.push(bytes)) this.onPacket(peer, decodePacket(f, this.reg));
      },
      close: () => this.peers.delete(peer),
      ondata: () => {},
      onclose: () => {},
    };
    this.peers.add(peer);
    setTimeout(() => {
      this.push(peer, { type: 1, name: this.handshake });
      this.push(peer, { type: 9, objects: [{ name: 'Lab', typeName: 'Lab', signature: null }] });
    });
    return peer;
  };
  push(peer, p) {
    const bytes = encodePacket(p, this.reg);
    setTimeout(() => peer.ondata(bytes)); // like a socket: later, in order
  }
  broadcast(p) {
    for (const peer of this.peers) this.push(peer, p);
  }
  onPacket(peer, p) {
    this.received.push(p);
    if (p.type === 4) this.push(peer, { type: 3, name: 'Lab', definition, values: this.values });
    if (p.type === 6 && p.call === 0 && p.index === 0) {
      this.push(peer, { type: 7, name: 'Lab', serialId: p.serialId, value: new QValue('int', p.args[0].value + p.args[1].value) });
    }
    if (p.type === 6 && p.call === 2 && p.index === 0) this.setCount(p.args[0].value);
  }
  setCount(v) {
    this.values[0] = new QValue('int', v);
    this.broadcast({ type: 8, name: 'Lab', index: 0, value: this.values[0] });
    // a stale extra argument, as Qt 6.4 sometimes sends (§15.1)
    this.broadcast({ type: 6, name: 'Lab', call: 0, index: 0, args: [this.values[0], new QValue('bool', true)], serialId: -1, propertyIndex: 0 });
  }
  drop() {
    for (const peer of [...this.peers]) {
      this.peers.delete(peer);
      peer.onclose('host gone');
    }
  }
}

function setup(options = {}) {
  const host = new FakeHost();
  const node = new Node({ transports: { fake: host.connector }, reconnectMs: 10, maxReconnectMs: 40, ...options });
  return { host, node };
}

test('acquire before connecting: definition, values and states', async () => {
  const { node } = setup();
  const lab = node.acquireDynamic('Lab');
  const states = [];
  lab.on('state', (s, old) => states.push([old, s]));
  assert.equal(lab.state, ReplicaState.Uninitialized);
  await node.connect('fake://a');
  await lab.waitForValid(1000);
  assert.deepEqual(states, [[ReplicaState.Uninitialized, ReplicaState.Valid]]);
  assert.deepEqual(lab.propertyNames, ['count', 'label']);
  assert.deepEqual(lab.methodNames, ['add', 'poke', 'silent']);
  assert.equal(lab.get('count'), 1);
  assert.equal(lab.get('label'), null, 'a null QString stays null');
  assert.equal(lab.value('label').type, 'QString');
  assert.deepEqual(lab.properties(), { count: 1, label: null });
  assert.equal(node.acquireDynamic('Lab'), lab, 'one replica per name');
  node.close();
});

test('calls: awaited replies, void slots, argument conversion, errors', async () => {
  const { host, node } = setup({ callTimeoutMs: 100 });
  const lab = node.acquireDynamic('Lab');
  await node.connect('fake://a');
  await lab.waitForValid(1000);
  assert.equal(await lab.call('add', 2, 3), 5);
  assert.deepEqual(await lab.invoke('add(int,int)', 4, 5), new QValue('int', 9));
  assert.equal(await lab.call('poke'), undefined);
  const poke = host.received.find((p) => p.type === 6 && p.index === 1);
  assert.equal(poke.serialId, -1, 'void slots are fire-and-forget');
  await assert.rejects(lab.call('silent', 7), /Lab.silent: timeout/);
  const silent = host.received.find((p) => p.type === 6 && p.index === 2);
  assert.deepEqual(silent.args[0], new QValue('qlonglong', 7n), 'numbers become BigInt for qlonglong');
  await assert.rejects(lab.call('nope'), /no slot nope/);
  node.close();
});

test('writes come back as changes; signals drop stale extra arguments', async () => {
  const { host, node } = setup();
  const lab = node.acquireDynamic('Lab');
  await node.connect('fake://a');
  await lab.waitForValid(1000);
  const changes = [];
  const signals = [];
  lab.on('changed', (name, v) => changes.push([name, v]));
  lab.on('signal', (name, args) => signals.push([name, args]));
  assert.equal(lab.set('count', 9), true);
  assert.equal(lab.get('count'), 1, 'a write changes nothing locally');
  await until(() => signals.length === 1, 1000, 'notify signal');
  assert.deepEqual(changes, [['count', 9]]);
  assert.deepEqual(signals, [['countChanged', [9]]]);
  const write = host.received.find((p) => p.type === 6 && p.call === 2);
  assert.deepEqual([write.index, write.args[0]], [0, new QValue('int', 9)]);
  host.broadcast({ type: 6, name: 'Lab', call: 0, index: 1, args: [new QValue('qlonglong', -(1n << 62n))], serialId: -1, propertyIndex: -1 });
  const big = await new Promise((resolve) => lab.onSignal('big', resolve));
  assert.equal(big, -(1n << 62n));
  node.close();
});

test('disconnect: Suspect, pending calls fail, reconnect resyncs and reports changes', async () => {
  const { host, node } = setup();
  const lab = node.acquireDynamic('Lab');
  await node.connect('fake://a');
  await lab.waitForValid(1000);
  const pending = lab.call('silent', 1);
  host.up = false;
  host.drop();
  assert.equal(lab.state, ReplicaState.Suspect);
  await assert.rejects(pending, /host gone/);
  assert.equal(lab.get('count'), 1, 'Suspect keeps the stale values');
  host.values = [new QValue('int', 5), new QValue('QString', null)];
  const resync = new Promise((resolve) => lab.once('resync', resolve));
  await new Promise((r) => setTimeout(r, 60));
  host.up = true;
  assert.deepEqual(await resync, ['count'], 'only count changed while away');
  assert.equal(lab.state, ReplicaState.Valid);
  assert.equal(lab.get('count'), 5);
  node.close();
});

test('a wrong handshake is a protocol mismatch; a malformed frame is dropped, the next one works', async () => {
  const { host, node } = setup({ reconnectMs: 0 });
  host.handshake = 'QtRO 1.3';
  const errors = [];
  node.on('error', (_u, e) => errors.push(e.message));
  await assert.rejects(node.connect('fake://a'), /protocol mismatch/);
  node.close();

  const ok = setup();
  const lab = ok.node.acquireDynamic('Lab');
  const errs = [];
  ok.node.on('error', (_u, e) => errs.push(e.message));
  await ok.node.connect('fake://b');
  await lab.waitForValid(1000);
  const [peer] = ok.host.peers;
  // an InvokePacket with an unknown user type, then a valid change
  peer.ondata(new Uint8Array([0x1c, 0, 0, 0, 6, 0, 6, 0, 0, 0, 0x4c, 0, 0x61, 0, 0x62, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]));
  ok.host.setCount(3);
  await until(() => lab.get('count') === 3, 1000, 'change after a bad frame');
  assert.equal(errs.length, 1);
  ok.node.close();
});

test('registry: a source listed by the registry is reached at its host URL', async () => {
  const { useRegistry } = await import('../dist/node.js');
  const registry = new FakeHost();
  const lab = new FakeHost();
  // The registry host answers AddObject("Registry") with the source locations.
  registry.onPacket = (peer, p) => {
    registry.received.push(p);
    if (p.type === 4 && p.name === 'Registry') {
      assert.equal(p.isDynamic, false, 'the registry replica is typed');
      registry.push(peer, { type: 2, name: 'Registry', values: [new QValue('QHash<QString,QRemoteObjectSourceLocationInfo>', new Map([['Lab', { typeName: 'Lab', hostUrl: 'labhost://x' }]]))] });
    }
  };
  const node = new Node({ transports: { reg: registry.connector, labhost: lab.connector }, reconnectMs: 10 });
  const replica = node.acquireDynamic('Lab');
  // ObjectList of the registry host names Lab too in FakeHost; make it list only the registry.
  registry.push = ((orig) => (peer, p) => orig.call(registry, peer, p.type === 9 ? { type: 9, objects: [{ name: 'Registry', typeName: 'Registry', signature: null }] } : p))(registry.push);
  const entries = await useRegistry(node, 'reg://r');
  await replica.waitForValid(2000);
  assert.equal(entries.get('Lab').hostUrl, 'labhost://x');
  assert.ok(lab.received.some((p) => p.type === 4 && p.name === 'Lab'), 'AddObject went to the host the registry named');
  assert.ok(!registry.received.some((p) => p.type === 4 && p.name === 'Lab'));
  node.close();
});

// The typed wrappers of `doppelc --lang ts` at run time (doppelc_ts_check only type-checks them):
// tests/interop/interop.rep and tests/interop/typed/thermostat.rep are compiled to TypeScript,
// transpiled with web/client's esbuild, imported in Node.js and driven over tcp against the C++
// hosts of the interop tests (doppel_interop_host, doppel_typed_peer host) with doppel.js (the
// built dist/node.js). The generated modules only `import type` from doppel-js, so the
// transpiled JavaScript has no imports and runs against the same doppel.js the test uses.
//
//   DOPPEL_BIN_DIR=build/bin node --test tests/web-client/typed_ts.test.mjs
// (ctest web_client_typed_ts, label js, after web_client_tests has built web/client/dist.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';

const root = new URL('../../', import.meta.url).pathname;
const client = join(root, 'web/client/');
const { createNode } = await import(`${client}dist/node.js`);
const { findBinary, freePort, startProcess, stopProcess, until } = await import(`${client}test/support.mjs`);
const esbuild = await import(pathToFileURL(join(client, 'node_modules/esbuild/lib/main.js')).href);

const doppelc = findBinary('DOPPELC', 'doppelc');
const interopHost = findBinary('DOPPEL_INTEROP_HOST', 'doppel_interop_host');
const typedPeer = findBinary('DOPPEL_TYPED_PEER', 'doppel_typed_peer');

const tmp = mkdtempSync(join(tmpdir(), 'doppel-typed-ts-'));
const hosts = [];
const nodes = [];
let gen; // the generated modules: { interop, thermostat }
let interopUrl;
let interop; // InteropReplica
let thermostat; // ThermostatReplica

/** doppelc --lang ts, then esbuild (TypeScript → ES module), then import(). */
async function generate(rep, name) {
  const ts = join(tmp, `${name}.ts`);
  execFileSync(doppelc, ['--lang', 'ts', '-o', ts, join(root, rep)]);
  const { code } = await esbuild.transform(readFileSync(ts, 'utf8'), { loader: 'ts', format: 'esm', target: 'node18' });
  assert.doesNotMatch(code, /\bimport\b/, 'the generated module needs nothing from doppel-js at run time');
  const js = join(tmp, `${name}.mjs`);
  writeFileSync(js, code);
  return import(pathToFileURL(js).href);
}

function newNode() {
  const node = createNode({ reconnectMs: 0, callTimeoutMs: 10000 });
  nodes.push(node);
  return node;
}

/** Resolves with the arguments of the first call of `subscribe`'s callback. */
function first(subscribe) {
  return new Promise((resolve) => {
    const off = subscribe((...args) => {
      off();
      resolve(args);
    });
  });
}

before(async () => {
  assert.ok(doppelc && interopHost && typedPeer, 'doppelc, doppel_interop_host or doppel_typed_peer not found: set DOPPEL_BIN_DIR');
  gen = {
    interop: await generate('tests/interop/interop.rep', 'interop'),
    thermostat: await generate('tests/interop/typed/thermostat.rep', 'thermostat'),
  };
  // doppel_interop_host takes port 0 and prints the port it got; --signature advertises repc's.
  const ih = await startProcess(interopHost, ['tcp://127.0.0.1:0', '--signature'], /READY (tcp:\/\/\S+)/);
  hosts.push(ih);
  interopUrl = ih.match[1];
  // doppel_typed_peer prints only READY: a port that was free a moment ago, retried if taken.
  let thermostatUrl;
  for (let attempt = 0; !thermostatUrl; attempt++) {
    const url = `tcp://127.0.0.1:${await freePort()}`;
    try {
      hosts.push(await startProcess(typedPeer, ['host', url], /READY/));
      thermostatUrl = url;
    } catch (e) {
      if (attempt >= 2) throw e;
    }
  }
  const node = newNode();
  interop = gen.interop.InteropReplica.acquire(node);
  thermostat = gen.thermostat.ThermostatReplica.acquire(node);
  await Promise.all([node.connect(interopUrl), node.connect(thermostatUrl)]);
  await Promise.all([interop.waitForValid(10000), thermostat.waitForValid(10000)]);
});

after(async () => {
  for (const n of nodes) n.close();
  await Promise.all(hosts.map((h) => stopProcess(h.child)));
  rmSync(tmp, { recursive: true, force: true });
});

test('the generated signature is the one the C++ host advertises', () => {
  const { InteropReplica, InteropSignature } = gen.interop;
  assert.equal(InteropReplica.typeName, 'Interop');
  assert.match(InteropSignature, /^[0-9a-f]{40}$/);
  assert.equal(InteropReplica.signature, InteropSignature);
  const advertised = nodes[0].objects.find((o) => o.name === 'Interop');
  assert.deepEqual(advertised, { name: 'Interop', typeName: 'Interop', signature: InteropSignature });
  assert.ok(interop.replica, 'the DynamicReplica underneath');
});

test('typed properties: scalars, int64 as BigInt, enums, a POD, lists', () => {
  const { InteropMode, InteropLevel } = gen.interop;
  assert.equal(interop.int32Prop, -123456789);
  assert.equal(interop.uint32Prop, 4000000000);
  assert.equal(interop.int64Prop, -9000000000000000000n, 'qint64 as BigInt');
  assert.equal(interop.uint64Prop, 18000000000000000000n, 'quint64 as BigInt');
  assert.equal(interop.doubleProp, -2.718281828459045);
  assert.equal(interop.boolProp, true);
  assert.equal(interop.emptyStringProp, '');
  assert.equal(interop.constProp, 77);
  assert.equal(interop.text, 'hello from the host');
  assert.deepEqual(interop.stringListProp.slice(0, 2), ['alpha', '']);
  assert.deepEqual(interop.intListProp, [1, -2, 2147483647, -2147483648]);
  assert.equal(InteropMode.Auto, 3);
  assert.equal(interop.modeProp, InteropMode.Auto);
  assert.equal(interop.levelProp, InteropLevel.High, 'a quint8 enum 200 (travels as signed char -56)');
  assert.deepEqual(interop.podProp, { i: 42, s: 'pod', d: 0.5 });
  // A received QList<POD> is the QSQ_ wrapper kept as received, hence typed `unknown`.
  assert.ok(!Array.isArray(interop.podListProp));
  assert.equal(interop.podListProp.valueTypeName, 'MyPod');

  const { ThermostatMode } = gen.thermostat;
  assert.equal(thermostat.mode, ThermostatMode.Heat);
  assert.deepEqual(thermostat.last, { celsius: 21.25, sensor: 'kitchen' });
  assert.deepEqual(thermostat.history, [1, 2, 3]);
  assert.equal(thermostat.location, 'hall');
});

test('slots: awaited typed return values', async () => {
  const { InteropMode } = gen.interop;
  assert.equal(await interop.add(2, 40), 42);
  assert.equal(await interop.echo('grüße'), 'grüße');
  assert.equal(await interop.sum([1, 2, 3, 2147483647]), 2147483653n, 'qint64 reply as BigInt');
  assert.equal(await interop.nextMode(InteropMode.On), InteropMode.Auto);
  assert.equal(await interop.nextMode(InteropMode.Auto), InteropMode.Off);
  assert.deepEqual(await interop.echoPod({ i: 1, s: 'a', d: 0.25 }), { i: 2, s: 'a!', d: 0.5 });
  // A void slot resolves once sent; wait for its last signal so the next test sees only its own.
  const pinged = first((fn) => interop.onPinged(fn));
  const fired = first((fn) => interop.onFired(fn));
  assert.equal(await interop.fire('void slot', 1), undefined);
  assert.deepEqual(await pinged, ['void slot', 1]);
  await fired;
});

test('signals with typed arguments', async () => {
  const { InteropMode } = gen.interop;
  const pinged = first((fn) => interop.onPinged(fn));
  const rich = first((fn) => interop.onRichSignal(fn));
  const fired = first((fn) => interop.onFired(fn));
  await interop.fire('hello', 7);
  assert.deepEqual(await pinged, ['hello', 7]);
  const [pod, mode, list, map] = await rich;
  assert.deepEqual(pod, { i: 7, s: 'hello', d: 1.5 });
  assert.equal(mode, InteropMode.On);
  assert.deepEqual(list, [7, -7]);
  assert.deepEqual(map, { msg: 'hello', n: 7 });
  assert.deepEqual(await fired, []);
});

test('a slot whose effects come from the host: property change event and signal', async () => {
  const target = first((fn) => thermostat.onTargetChanged(fn));
  const alarm = first((fn) => thermostat.onAlarm(fn));
  assert.equal(await thermostat.bump(3), 6, 'bump(int) -> int');
  assert.deepEqual(await target, [22.0], 'target 20.5 + 0.5 * 3');
  assert.equal(thermostat.target, 22.0);
  assert.deepEqual(await alarm, ['bumped', 3]);
});

test('READWRITE writes reach the host and are read back', async () => {
  // Interop.text: the change event comes from the host; a second node reads the host's value.
  const changed = first((fn) => interop.onTextChanged(fn));
  assert.equal(interop.setText('written by the typed wrapper'), true, 'setText sends the write');
  assert.deepEqual(await changed, ['written by the typed wrapper']);
  assert.equal(interop.text, 'written by the typed wrapper');
  const other = newNode();
  const fresh = gen.interop.InteropReplica.acquire(other);
  await other.connect(interopUrl);
  await fresh.waitForValid(10000);
  assert.equal(fresh.text, 'written by the typed wrapper', 'a new replica gets the written value from the host');

  // Thermostat.target: the host's bump() computes from the value written.
  assert.equal(thermostat.setTarget(18.0), true);
  await until(() => thermostat.target === 18.0, 5000, 'the target write to come back');
  assert.equal(await thermostat.bump(2), 4);
  await until(() => thermostat.target === 19.0, 5000, 'target 18 + 0.5 * 2');
  await thermostat.reset();
  await until(() => thermostat.target === 20.5, 5000, 'reset() to 20.5');
});

test('READPUSH: push slots reach the host', async () => {
  const { ThermostatMode } = gen.thermostat;
  const mode = first((fn) => thermostat.onModeChanged(fn));
  await thermostat.pushMode(ThermostatMode.Cool);
  assert.deepEqual(await mode, [ThermostatMode.Cool]);
  const counter = first((fn) => interop.onCounterChanged(fn));
  await interop.pushCounter(11);
  assert.deepEqual(await counter, [11]);
  assert.equal(interop.counter, 11);
});

// doppel.js (the built web/client bundle, Node.js with the `ws` package's WebSocket: Node 20 has
// no global one) against a real Qt 6 host over WebSockets: tests/interop/qt/ws's qt_ws_host, the
// repc-made Interop source behind a QWebSocketServer wrapped in a QIODevice, as Qt's WebSocket
// example does. Acquires Interop dynamically, reads properties with their exact Qt types, calls
// slots, receives signals and writes the READWRITE property.
//
//   QT_WS_HOST=/path/to/qt_ws_host node --test tests/web-client/qt_ws_host.test.mjs
// (ctest web_client_qt_ws_host, label interop, passes the path.)
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';

const client = new URL('../../web/client/', import.meta.url).pathname;
const { createNode, QValue } = await import(`${client}dist/node.js`);
const { findBinary, startProcess, stopProcess, until } = await import(`${client}test/support.mjs`);
const WebSocket = createRequire(`${client}package.json`)('ws');

const bin = findBinary('QT_WS_HOST', 'qt_ws_host');
let host;
let node;
let interop;

before(async () => {
  assert.ok(bin, 'qt_ws_host not found: set QT_WS_HOST or DOPPEL_BIN_DIR');
  // Port 0: Qt picks a free one and prints it in "READY ws://127.0.0.1:PORT/".
  host = await startProcess(bin, ['ws://127.0.0.1:0/'], /READY (ws:\/\/\S+)/);
  node = createNode({ WebSocket, reconnectMs: 0, callTimeoutMs: 10000 });
  interop = node.acquireDynamic('Interop');
  await node.connect(host.match[1]);
  await interop.waitForValid(10000);
});

after(async () => {
  node?.close();
  if (host) await stopProcess(host.child);
});

test('properties arrive with their Qt types and exact values', () => {
  assert.equal(interop.get('int32Prop'), -123456789);
  assert.equal(interop.value('int32Prop').type, 'int');
  assert.equal(interop.get('int64Prop'), -9000000000000000000n, 'qint64 as BigInt');
  assert.equal(interop.get('uint64Prop'), 18000000000000000000n);
  assert.equal(interop.get('nullStringProp'), null, 'a null QString stays null');
  assert.equal(interop.get('emptyStringProp'), '', 'an empty QString is not null');
  assert.equal(interop.value('emptyStringProp').type, 'QString');
  assert.equal(interop.get('constProp'), 77);
  assert.equal(interop.get('text'), 'hello from the host');
  assert.equal(interop.get('counter'), 10);
});

test('slots: awaited replies from Qt', async () => {
  assert.equal(await interop.call('add', 2, 40), 42);
  assert.equal(await interop.call('echo', 'grüße über ws'), 'grüße über ws');
  assert.equal(await interop.call('sum', [1, 2, 3, 2147483647]), 2147483653n, 'qint64 reply as BigInt');
  const exact = await interop.invoke('add', 1, 1);
  assert.ok(exact instanceof QValue);
  assert.equal(exact.type, 'int');
});

test('signals: pinged(QString, int) from fire()', async () => {
  const got = new Promise((resolve) => {
    const off = interop.onSignal('pinged', (msg, n) => {
      off();
      resolve([msg, n]);
    });
  });
  await interop.call('fire', 'hello', 7);
  assert.deepEqual(await got, ['hello', 7]);
});

test('a READWRITE property written from JavaScript comes back from Qt', async () => {
  const changes = [];
  const off = interop.onChanged('text', (v) => changes.push(v));
  assert.ok(interop.set('text', 'written by doppel.js'), 'set() sends the write');
  await until(() => interop.get('text') === 'written by doppel.js', 5000, 'the text change from Qt');
  off();
  assert.deepEqual(changes, ['written by doppel.js']);
});

// The model replica against an in-process fake model adapter (protocol §9.2): roles, the root
// size, lazily fetched rows of the window, inserts and data changes from the source, setData.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FrameSplitter, Node, QValue, ReplicaState, TypeRegistry, decodePacket, encodePacket } from '../dist/node.js';
import { until } from './support.mjs';

const enc = (s) => new TextEncoder().encode(s);

class FakeModelHost {
  constructor(rows) {
    this.reg = new TypeRegistry();
    this.rows = rows; // [{name, done}]
    this.requests = [];
  }
  connector = async () => {
    const split = new FrameSplitter();
    const peer = {
      send: (bytes) => {
        for (const f of split.push(bytes)) this.onPacket(decodePacket(f, this.reg));
      },
      close: () => {},
      ondata: () => {},
      onclose: () => {},
    };
    this.peer = peer;
    setTimeout(() => {
      this.push({ type: 1, name: 'QtRO 2.0' });
      this.push({ type: 9, objects: [{ name: 'Items', typeName: 'QAbstractItemModelAdapter', signature: null }] });
    });
    return peer;
  };
  push(p) {
    const bytes = encodePacket(p, this.reg);
    setTimeout(() => this.peer.ondata(bytes));
  }
  signal(index, args) {
    this.push({ type: 6, name: 'Items', call: 0, index, args, serialId: -1, propertyIndex: -1 });
  }
  onPacket(p) {
    if (p.type === 4) {
      assert.equal(p.isDynamic, false, 'models are acquired typed (isDynamic 0)');
      this.push({ type: 2, name: 'Items', values: [
        new QValue('QList<int>', [256, 257]),
        new QValue('QHash<int,QByteArray>', new Map([[256, enc('name')], [257, enc('done')], [0, enc('display')]])),
      ] });
      return;
    }
    if (p.type !== 6) return;
    this.requests.push(p);
    if (p.index === 0) this.push({ type: 7, name: 'Items', serialId: p.serialId, value: new QValue('QSize', { width: 1, height: this.rows.length }) });
    if (p.index === 1) {
      const first = p.args[0].value[0].row;
      const last = p.args[1].value[0].row;
      const data = [];
      for (let r = first; r <= last && r < this.rows.length; r++) {
        data.push({ index: [{ row: r, column: 0 }], data: [new QValue('QString', this.rows[r].name), new QValue('bool', this.rows[r].done)],
          hasChildren: false, flags: 47, children: [], size: { width: -1, height: -1 } });
      }
      this.push({ type: 7, name: 'Items', serialId: p.serialId, value: new QValue('DataEntries', { data }) });
    }
  }
}

test('a model replica fetches its window lazily and follows inserts and changes', async () => {
  const rows = Array.from({ length: 1000 }, (_, i) => ({ name: `item ${i}`, done: i % 2 === 0 }));
  const host = new FakeModelHost(rows);
  const node = new Node({ transports: { fake: host.connector } });
  const model = node.acquireModel('Items', { window: { first: 0, count: 20 } });
  await node.connect('fake://m');
  await model.waitForValid(1000);
  assert.equal(model.state, ReplicaState.Valid);
  assert.equal(model.rowCount, 1000);
  assert.deepEqual([...model.roleNames.values()], ['name', 'done']);
  await until(() => model.hasRow(19), 1000, 'window rows');
  assert.deepEqual(model.row(3), { name: 'item 3', done: false });
  assert.equal(model.data(4, 'name'), 'item 4');
  assert.equal(model.hasRow(20), false, 'rows outside the window are not fetched');
  const rowRequests = host.requests.filter((r) => r.index === 1);
  assert.equal(rowRequests.length, 1, 'one request for the whole window');
  assert.deepEqual(rowRequests[0].args[2], new QValue('QList<int>', [256, 257]));

  model.setWindow(500, 10);
  await until(() => model.hasRow(509), 1000, 'moved window');
  assert.equal(model.data(505, 'name'), 'item 505');

  // an insert at row 0 (root): rows shift, the count grows, the window is refreshed
  rows.unshift({ name: 'new', done: false });
  const inserted = new Promise((resolve) => model.once('inserted', (a, b) => resolve([a, b])));
  host.signal(2, [new QValue('QList<ModelIndex>', []), new QValue('int', 0), new QValue('int', 0)]);
  assert.deepEqual(await inserted, [0, 0]);
  assert.equal(model.rowCount, 1001);
  assert.equal(model.data(506, 'name'), 'item 505', 'cached rows moved down by one');

  // a data change inside the window is re-fetched
  rows[505].name = 'renamed';
  const changed = new Promise((resolve) => model.on('rows', (a, b) => a <= 505 && b >= 505 && resolve()));
  host.signal(1, [new QValue('QList<ModelIndex>', [{ row: 505, column: 0 }]), new QValue('QList<ModelIndex>', [{ row: 505, column: 0 }]), new QValue('QList<int>', [256])]);
  await changed;
  assert.equal(model.data(505, 'name'), 'renamed');

  assert.equal(model.setData(505, 'done', true), true);
  await until(() => host.requests.some((r) => r.index === 4), 1000, 'setData request');
  const set = host.requests.find((r) => r.index === 4);
  assert.deepEqual(set.args.map((a) => a.value), [[{ row: 505, column: 0 }], true, 257]);
  node.close();
});

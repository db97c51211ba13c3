// The codec against the protocol's hex vectors: every frame of Appendix A (as kept in
// tests/wire/appendix_a_vectors.h) decodes and re-encodes to the same bytes, and the value
// examples of §4.3/§4.4 encode to exactly the documented bytes and decode back.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import {
  FrameSplitter, QValue, Reader, TypeRegistry, Writer, decodePacket, decodeVariant, encodePacket,
  encodeVariant, fromHex, toHex, toQValue, toPlain,
} from '../dist/node.js';

const root = new URL('../../../', import.meta.url);

function appendixA() {
  const text = readFileSync(new URL('tests/wire/appendix_a_vectors.h', root), 'utf8');
  const body = text.slice(text.indexOf('kAppendixA[] = {'));
  const out = [];
  for (const entry of body.split(/\n\s*\{"/).slice(1)) {
    const strings = [...('"' + entry).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
    out.push({ name: strings[0], hex: strings.slice(2).filter((s) => /^[0-9a-f]+$/.test(s)).join('') });
  }
  return out;
}

const vectors = appendixA();

test('Appendix A: all frames are present', () => {
  assert.ok(vectors.length >= 15, `found ${vectors.length} frames`);
  assert.ok(vectors.some((v) => v.name === 'A4_initdynamic_plain'));
});

for (const v of vectors) {
  test(`Appendix A: ${v.name} decodes and re-encodes byte-identical`, () => {
    const reg = new TypeRegistry();
    const bytes = fromHex(v.hex);
    const frames = new FrameSplitter().push(bytes);
    assert.ok(frames.length >= 1);
    const again = [];
    for (const f of frames) again.push(toHex(encodePacket(decodePacket(f, reg), reg)));
    assert.equal(again.join(''), v.hex);
  });
}

test('A.4: the definition of Plain is read field by field', () => {
  const reg = new TypeRegistry();
  const f = new FrameSplitter().push(fromHex(vectors.find((v) => v.name === 'A4_initdynamic_plain').hex))[0];
  const p = decodePacket(f, reg);
  assert.equal(p.name, 'Plain');
  assert.equal(p.definition.typeName, null);
  assert.deepEqual(p.definition.enums[0], { name: 'Color', isFlag: false, isScoped: false, size: 4, keys: [['Red', 1], ['Green', 2]] });
  assert.deepEqual(p.definition.signals.map((s) => s.signature), ['counterChanged(int)', 'somethingHappened(QString,double)']);
  assert.deepEqual(p.definition.signals[1].parameterNames, ['what', 'value']);
  assert.deepEqual(p.definition.methods.map((m) => [m.name, m.returnType, m.parameterTypes]), [
    ['twice', 'int', ['int']], ['noop', 'void', []], ['pickColor', 'Color', ['Color']],
  ]);
  assert.deepEqual(p.definition.properties, [
    { name: 'counter', type: 'int', notify: 'counterChanged(int)' },
    { name: 'label', type: 'QString', notify: null },
  ]);
  assert.deepEqual(p.values.map((x) => [x.type, x.value]), [['int', 0], ['QString', 'plain']]);
  assert.ok(reg.find('Color'), 'class enums are registered');
});

test('A.6/A.7: invoke, reply, write and change packets decode to their fields', () => {
  const reg = new TypeRegistry();
  const get = (n) => decodePacket(new FrameSplitter().push(fromHex(vectors.find((v) => v.name === n).hex))[0], reg);
  const call = get('A6_invoke_add');
  assert.deepEqual([call.call, call.index, call.serialId, call.propertyIndex], [0, 4, 1, -1]);
  assert.deepEqual(call.args.map((a) => a.value), [2, 3]);
  const reply = get('A6_reply');
  assert.deepEqual([reply.serialId, reply.value.type, reply.value.value], [1, 'int', 5]);
  const write = get('A7_write_property');
  assert.deepEqual([write.call, write.index, write.args[0].value], [2, 1, 'changed']);
  const change = get('A7_property_change');
  assert.deepEqual([change.index, change.value.value], [1, 'changed']);
});

test('A.9: a QRO_ sub-object value is kept opaque with its big-endian parameters', () => {
  const reg = new TypeRegistry();
  const f = new FrameSplitter().push(fromHex(vectors.find((v) => v.name === 'A9_init_qro').hex))[0];
  const p = decodePacket(f, reg);
  const qro = p.values[0];
  assert.equal(qro.type, 'QRemoteObjectPackets::QRO_');
  assert.equal(qro.value.name, 'Class::Lab::child');
  assert.equal(qro.value.typeName, 'Child');
  assert.equal(qro.value.isNull, false);
  const inner = new Reader(qro.value.parameters, false);
  assert.equal(inner.u32(), 1);
  assert.deepEqual(decodeVariant(inner, reg), new QValue('int', 3));
});

test('A.10: DataEntries of a model row reply', () => {
  const reg = new TypeRegistry();
  const f = new FrameSplitter().push(fromHex(vectors.find((v) => v.name === 'A10_row_reply').hex));
  const p = decodePacket(f[f.length - 1], reg);
  assert.equal(p.value.type, 'DataEntries');
  const [entry] = p.value.value.data;
  assert.deepEqual(entry.index, [{ row: 0, column: 0 }]);
  assert.deepEqual(entry.data.map((d) => d.value), ['m0']);
  assert.deepEqual([entry.hasChildren, entry.flags, entry.size], [false, 47, { width: -1, height: -1 }]);
});

// §4.3 and §4.4: value → the bytes after (or including) the QVariant header.
const reg = new TypeRegistry();
reg.registerGadget({ name: 'MyPod', properties: [{ name: 'a', type: 'int' }, { name: 'b', type: 'QString' }], enums: [] });
reg.registerEnum('Lab::Level', { name: 'Level', isFlag: false, isScoped: false, size: 1, keys: [['High', 200]] });
const examples = [
  ['bool true', new QValue('bool', true), '01000000 00 01'],
  ['int -2', new QValue('int', -2), '02000000 00 feffffff'],
  ['qint64 -3', new QValue('qlonglong', -3n), '04000000 00 fdffffffffffffff'],
  ['long -3 is 8 bytes', new QValue('long', -3n), '20000000 00 fdffffffffffffff'],
  ['QChar A', new QValue('QChar', 'A'), '07000000 00 4100'],
  ['double 1.5', new QValue('double', 1.5), '06000000 00 000000000000f83f'],
  ['float 1.5 travels as a double', new QValue('float', 1.5), '26000000 00 000000000000f83f'],
  ['QString Hi', new QValue('QString', 'Hi'), '0a000000 00 04000000 48006900'],
  ['QString null', new QValue('QString', null), '0a000000 00 ffffffff'],
  ['QString empty', new QValue('QString', ''), '0a000000 00 00000000'],
  ['QByteArray null', new QValue('QByteArray', null), '0c000000 00 ffffffff'],
  ['QDate 2023-01-02', new QValue('QDate', 2459947), '0e000000 00 2b89250000000000'],
  ['QDate null', new QValue('QDate', null), '0e000000 00 0000000000000080'],
  ['QTime 01:02:03.004', new QValue('QTime', 3723004), '0f000000 00 fcce3800'],
  ['QUrl', new QValue('QUrl', 'tcp://127.0.0.1:65213'), '11000000 00 15000000 7463703a2f2f3132372e302e302e313a3635323133'],
  ['QRect(1,2,3,4)', new QValue('QRect', { x: 1, y: 2, width: 3, height: 4 }), '13000000 00 01000000 02000000 03000000 05000000'],
  ['QColor rgb(10,20,30)', new QValue('QColor', { spec: 1, alpha: 0xffff, c1: 0x0a0a, c2: 0x1414, c3: 0x1e1e, pad: 0 }), '03100000 00 01ffff0a0a14141e1e0000'],
  ['std::nullptr_t', new QValue('std::nullptr_t', null), '33000000 01'],
  ['invalid', QValue.invalid, '00000000 01'],
  ['MyPod(5,"five")', new QValue('MyPod', { a: new QValue('int', 5), b: new QValue('QString', 'five') }),
    '00000100 00 06000000 4d79506f6400 02000000 00 05000000 0a000000 00 08000000 660069007600650000'.replace(/00$/, '')],
  ['QList<int>', new QValue('QList<int>', [0]), '00000100 00 0b000000 514c6973743c696e743e00 01000000 00000000'],
  ['1-byte enum 200 travels as signed char -56', new QValue('Lab::Level', 200), '28000000 00 c8'],
];

for (const [name, value, hex] of examples) {
  test(`§4 value: ${name}`, () => {
    const w = new Writer();
    encodeVariant(w, value, reg);
    assert.equal(toHex(w.bytes()), hex.replace(/ /g, ''));
    const back = decodeVariant(new Reader(fromHex(hex)), reg);
    if (value.type !== 'Lab::Level') assert.deepEqual(back, value);
    else assert.deepEqual(back, new QValue('signed char', -56));
  });
}

test('QSQ_: a list of gadgets travels wrapped with a big-endian blob and stays opaque when read', () => {
  const list = toQValue('QList<MyPod>', [{ a: 1, b: 'one' }], reg);
  const w = new Writer();
  encodeVariant(w, list, reg);
  const bytes = w.bytes();
  const back = decodeVariant(new Reader(bytes), reg);
  assert.equal(back.type, 'QRemoteObjectPackets::QSQ_');
  assert.equal(back.value.typeName, 'QList<MyPod>');
  assert.equal(back.value.valueTypeName, 'MyPod');
  const blob = new Reader(back.value.values, false);
  assert.equal(blob.latin1(), 'MyPod');
  assert.equal(blob.u32(), 1);
  const again = new Writer();
  encodeVariant(again, back, reg);
  assert.equal(toHex(again.bytes()), toHex(bytes));
});

test('64-bit integers are BigInt and keep every bit', () => {
  for (const [type, v] of [['qlonglong', -(1n << 63n)], ['qulonglong', (1n << 64n) - 1n], ['ulong', 1n << 60n]]) {
    const w = new Writer();
    encodeVariant(w, new QValue(type, v), reg);
    const back = decodeVariant(new Reader(w.bytes()), reg);
    assert.equal(back.type, type);
    assert.equal(back.value, v);
  }
});

test('plain JavaScript converts to the declared type and back', () => {
  assert.deepEqual(toQValue('qint64', 5, reg), new QValue('qlonglong', 5n));
  assert.deepEqual(toQValue('QVariant', 2.5, reg), new QValue('double', 2.5));
  assert.deepEqual(toQValue('QVariant', 7, reg), new QValue('int', 7));
  assert.deepEqual(toQValue('Lab::Level', 'High', reg), new QValue('Lab::Level', 200));
  assert.deepEqual(toPlain(new QValue('QVariantList', [new QValue('int', 1), new QValue('QString', null)])), [1, null]);
});

test('big-endian nested stream: the QRO_ parameter example of §2.3', () => {
  const r = new Reader(fromHex('00000001 0000000200 00000003'), false);
  assert.equal(r.u32(), 1);
  assert.deepEqual(decodeVariant(r, reg), new QValue('int', 3));
  const w = new Writer(false);
  w.u32(1);
  encodeVariant(w, new QValue('int', 3), reg);
  assert.equal(toHex(w.bytes()), '000000010000000200000000003'.slice(0, 0) + '00000001000000020000000003');
});

test('frame splitter: frames split across chunks and several frames per chunk', () => {
  const all = fromHex(vectors.map((v) => v.hex).join(''));
  for (const step of [1, 3, 7, 64, all.length]) {
    const s = new FrameSplitter();
    let n = 0;
    for (let i = 0; i < all.length; i += step) n += s.push(all.subarray(i, i + step)).length;
    assert.equal(n, vectors.reduce((k, v) => k + new FrameSplitter().push(fromHex(v.hex)).length, 0), `step ${step}`);
  }
});

test('malformed input: truncated payloads, unknown types and trailing bytes throw DecodeError', () => {
  const r = new TypeRegistry();
  assert.throws(() => decodeVariant(new Reader(fromHex('0a000000 00 08000000 4800')), r), { name: 'DecodeError' });
  assert.throws(() => decodeVariant(new Reader(fromHex('00000100 00 04000000 466f6f00')), r), /unknown type Foo/);
  assert.throws(() => decodeVariant(new Reader(fromHex('09000000 00 ffffff7f')), r), { name: 'DecodeError' });
  assert.throws(() => decodePacket(fromHex('0a00 06000000 4c00610062 00 00'), r), { name: 'DecodeError' });
  assert.throws(() => decodePacket(fromHex('6300 00000000'), r), /unknown packet type/);
  assert.throws(() => new FrameSplitter(100).push(fromHex('ffffff00')), /exceeds/);
});

test('a property typed with the source class name ("LabSource::Level") resolves to the class enum', () => {
  const w = new Writer();
  encodeVariant(w, toQValue('LabSource::Level', 'High', reg), reg);
  assert.equal(toHex(w.bytes()), '2800000000c8', 'a 1-byte enum travels as signed char');
});

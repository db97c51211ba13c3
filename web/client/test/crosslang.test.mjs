// Cross-language: the same values built in C++ (tests/web-client/value_vectors.cpp) and in
// JavaScript encode to the same bytes; what C++ encodes, JavaScript decodes and re-encodes
// unchanged; what JavaScript encodes, C++ decodes and re-encodes unchanged.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';

import { QValue, Reader, TypeRegistry, Writer, decodeVariant, encodeVariant, fromHex, toHex } from '../dist/node.js';
import { findBinary } from './support.mjs';

const bin = findBinary('DOPPEL_VALUE_VECTORS', 'doppel_js_value_vectors');

const reg = new TypeRegistry();
reg.registerGadget({ name: 'MyPod', properties: [{ name: 'a', type: 'int' }, { name: 'b', type: 'QString' }], enums: [] });
reg.registerEnum('Lab::Level', { name: 'Level', isFlag: false, isScoped: false, size: 1, keys: [['Low', 1], ['High', 200]] });

/** Qt's QDate::fromJulianDay inverse (proleptic Gregorian). */
function jd(y, m, d) {
  const a = Math.floor((14 - m) / 12);
  const yy = y + 4800 - a;
  const mm = m + 12 * a - 3;
  return d + Math.floor((153 * mm + 2) / 5) + 365 * yy + Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400) - 32045;
}
const ms = (h, m, s, z = 0) => ((h * 60 + m) * 60 + s) * 1000 + z;
const Q = (t, v) => new QValue(t, v);
const bytes = (s) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

const values = {
  invalid: QValue.invalid,
  bool: Q('bool', true),
  int: Q('int', -2),
  uint: Q('uint', 4000000000),
  qlonglong: Q('qlonglong', -(1n << 63n) + 1n),
  qulonglong: Q('qulonglong', (1n << 64n) - 1n),
  long: Q('long', -3n),
  ulong: Q('ulong', 5n),
  short: Q('short', -300),
  ushort: Q('ushort', 65000),
  schar: Q('signed char', -5),
  uchar: Q('uchar', 250),
  char: Q('char', 120),
  double: Q('double', 1.5),
  float: Q('float', 0.25),
  qchar: Q('QChar', '\u00e9'),
  string: Q('QString', 'h\u00e9llo \u{1F600}'),
  string_empty: Q('QString', ''),
  string_null: Q('QString', null),
  bytes: Q('QByteArray', bytes('a\0b')),
  bytes_null: Q('QByteArray', null),
  url: Q('QUrl', 'tcp://127.0.0.1:65213'),
  locale: Q('QLocale', 'de_DE'),
  stringlist: Q('QStringList', ['a', '', 'c']),
  bytearraylist: Q('QByteArrayList', [bytes('x'), bytes('yz')]),
  variantlist: Q('QVariantList', [Q('int', 1), Q('QString', 'two'), QValue.invalid]),
  variantmap: Q('QVariantMap', new Map([['b', Q('int', 2)], ['a', Q('double', 1)]])),
  varianthash: Q('QVariantHash', new Map([['k', Q('bool', false)]])),
  date: Q('QDate', jd(2023, 1, 2)),
  date_null: Q('QDate', null),
  time: Q('QTime', ms(1, 2, 3, 4)),
  time_null: Q('QTime', null),
  datetime_utc: Q('QDateTime', { date: jd(2024, 2, 29), time: ms(23, 59, 59, 999), spec: 1 }),
  datetime_offset: Q('QDateTime', { date: jd(2000, 1, 1), time: 0, spec: 2, offset: 3600 }),
  datetime_zone: Q('QDateTime', { date: jd(2020, 6, 1), time: ms(12, 0, 0), spec: 3, zone: 'Europe/Berlin' }),
  rect: Q('QRect', { x: 1, y: 2, width: 3, height: 4 }),
  rectf: Q('QRectF', { x: 0.5, y: 1.5, width: 2.5, height: 3.5 }),
  size: Q('QSize', { width: 640, height: 480 }),
  sizef: Q('QSizeF', { width: 1.25, height: 2.5 }),
  point: Q('QPoint', { x: -1, y: 7 }),
  pointf: Q('QPointF', { x: 0.1, y: 0.2 }),
  line: Q('QLine', { x1: 1, y1: 2, x2: 3, y2: 4 }),
  linef: Q('QLineF', { x1: 1.5, y1: 2.5, x2: 3.5, y2: 4.5 }),
  uuid: Q('QUuid', '{12345678-9abc-def0-0102-030405060708}'),
  bitarray: Q('QBitArray', { size: 9, bytes: new Uint8Array([0xff, 0x01]) }),
  nullptr: Q('std::nullptr_t', null),
  list_int: Q('QList<int>', [1, -1]),
  list_qint64: Q('QList<qlonglong>', [1n << 40n]),
  map_qstring_int: Q('QMap<QString,int>', new Map([['x', 1], ['y', 2]])),
  hash_int_bytes: Q('QHash<int,QByteArray>', new Map([[256, bytes('display')]])),
  pair: Q('std::pair<QString,int>', ['p', 9]),
  gadget: Q('MyPod', { a: Q('int', 5), b: Q('QString', 'five') }),
  list_gadget: Q('QList<MyPod>', [{ a: Q('int', 1), b: Q('QString', 'one') }]),
  enum_level: Q('Lab::Level', 200),
  nested: Q('QVariantList', [
    Q('QVariantList', [Q('QList<int>', [3])]),
    Q('QVariantMap', new Map([['m', Q('QString', null)]])),
  ]),
};

function encode(v) {
  const w = new Writer();
  encodeVariant(w, v, reg);
  return toHex(w.bytes());
}

function parseLines(text) {
  return new Map(text.trim().split('\n').map((l) => {
    const [name, ...rest] = l.split(' ');
    return [name, rest.join(' ')];
  }));
}

test('C++ and JavaScript encode the same values to the same bytes', { skip: !bin && !process.env.DOPPEL_BIN_DIR && 'value_vectors not built' }, () => {
  const cpp = parseLines(execFileSync(bin, ['emit'], { encoding: 'utf8' }));
  assert.deepEqual([...cpp.keys()].sort(), Object.keys(values).sort(), 'both sides cover the same values');
  for (const [name, v] of Object.entries(values)) assert.equal(encode(v), cpp.get(name), name);
});

test('JavaScript decodes what C++ encoded and re-encodes it byte-identical', { skip: !bin && !process.env.DOPPEL_BIN_DIR && 'value_vectors not built' }, () => {
  const cpp = parseLines(execFileSync(bin, ['emit'], { encoding: 'utf8' }));
  for (const [name, hex] of cpp) {
    const back = decodeVariant(new Reader(fromHex(hex)), reg);
    assert.equal(encode(back), hex, name);
  }
});

test('C++ decodes what JavaScript encoded and re-encodes it byte-identical', { skip: !bin && !process.env.DOPPEL_BIN_DIR && 'value_vectors not built' }, () => {
  const input = Object.entries(values).map(([name, v]) => `${name} ${encode(v)}`).join('\n') + '\n';
  const out = parseLines(execFileSync(bin, ['roundtrip'], { input, encoding: 'utf8' }));
  for (const [name, v] of Object.entries(values)) assert.equal(out.get(name), encode(v), name);
});

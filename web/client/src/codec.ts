// QVariant encoding and decoding (protocol §4): the header (type id, isNull, optional user type
// name) and the payload of every builtin type, containers, gadgets, enums, structs, and QtRO's
// wrappers. Lists/maps of gadgets are sent wrapped in QSQ_/QAS_ (§4.4); received QSQ_/QAS_ and
// QRO_ values are kept opaque (as received), so they re-encode to the same bytes.

import { DecodeError, Reader, Writer, fromLatin1, latin1 } from './stream.js';
import { QAS, QRO, QSQ, QValue, TypeId, TypeRegistry, builtinId, builtinNames, normalizeType, splitTemplate } from './types.js';
import type { TypeInfo } from './types.js';

const MAX_DEPTH = 64;
const INT64_MIN = -(1n << 63n);

/** QRect/QRectF: x, y, width, height (QRect travels as left, top, right, bottom). */
export interface Rect { x: number; y: number; width: number; height: number }
export interface Point { x: number; y: number }
export interface Size { width: number; height: number }
export interface Line { x1: number; y1: number; x2: number; y2: number }
/** QDateTime: the wall time in its own spec. spec 0 local, 1 UTC, 2 offset (seconds), 3 time zone. */
export interface DateTime { date: number | bigint | null; time: number | null; spec: number; offset?: number; zone?: string | null }
export interface BitArray { size: number; bytes: Uint8Array }
/** QColor as streamed: components are 16-bit. */
export interface Color { spec: number; alpha: number; c1: number; c2: number; c3: number; pad: number }
/** A QRO_ sub-object value (§3.3), kept as received. */
export interface SubObject {
  name: string | null; typeName: string | null; type: number;
  classDefinition: Uint8Array | null; isNull: boolean; parameters: Uint8Array | null;
}
/** A QSQ_/QAS_ value whose element type is unknown, kept as received. */
export interface OpaqueContainer { typeName: string | null; keyTypeName?: string | null; valueTypeName: string | null; values: Uint8Array | null }

// ---------------------------------------------------------------------------------------------
// Encoding

/** Writes `v` as a QVariant. Enum values travel as the integer of their size (§4.4). */
export function encodeVariant(w: Writer, v: QValue, reg: TypeRegistry): void {
  const name = normalizeType(v.type);
  const id = builtinId(name);
  if (id !== undefined) {
    w.u32(id).u8(id === 0 || id === TypeId.Nullptr ? 1 : 0);
    if (id !== 0) encodeBuiltin(w, id, v.value, reg);
    return;
  }
  const info = reg.require(name);
  if (info.kind === 'variant') return encodeVariant(w, v.value as QValue, reg);
  if (info.kind === 'enum') {
    const enumId = info.size === 1 ? TypeId.SChar : info.size === 2 ? TypeId.Short : TypeId.Int;
    w.u32(enumId).u8(0);
    return encodeBuiltin(w, enumId, v.value, reg);
  }
  const wrap = info.kind === 'list' || info.kind === 'map' || info.kind === 'hash' ? gadgetWrapper(info, reg) : undefined;
  w.u32(TypeId.User).u8(0).cstring(wrap ?? info.name);
  if (wrap === QSQ || wrap === QAS) return encodeWrapped(w, info as { kind: 'list'; name: string; args: string[] }, v.value, reg);
  encodePayload(w, info, v.value, reg);
}

function gadgetWrapper(info: { kind: string; args: string[] }, reg: TypeRegistry): string | undefined {
  const element = reg.find(info.args[info.args.length - 1]);
  if (element?.kind !== 'gadget') return undefined;
  return info.kind === 'list' ? QSQ : QAS;
}

function encodeWrapped(w: Writer, info: { kind: string; name: string; args: string[] }, value: unknown, reg: TypeRegistry): void {
  const blob = new Writer(false);
  w.latin1(info.name);
  if (info.kind === 'list') {
    w.latin1(info.args[0]);
    blob.latin1(info.args[0]);
    encodePayload(blob, reg.require(info.name), value, reg);
  } else {
    w.latin1(info.args[0]).latin1(info.args[1]);
    blob.latin1(info.args[0]).latin1(info.args[1]);
    encodePayload(blob, reg.require(info.name), value, reg);
  }
  w.byteArray(blob.bytes());
}

/** Writes the bare payload of `value` in the layout of `type` (a name or a resolved TypeInfo). */
export function encodePayload(w: Writer, type: string | TypeInfo, value: unknown, reg: TypeRegistry): void {
  const info = typeof type === 'string' ? reg.require(type) : type;
  switch (info.kind) {
    case 'builtin':
      return encodeBuiltin(w, info.id, value, reg);
    case 'variant':
      return encodeVariant(w, asQValue(value), reg);
    case 'enum':
      return encodeBuiltin(w, info.size === 1 ? TypeId.SChar : info.size === 2 ? TypeId.Short : TypeId.Int, value, reg);
    case 'list': {
      const items = value as unknown[];
      w.u32(items.length);
      const el = reg.require(info.args[0]);
      for (const item of items) encodePayload(w, el, item, reg);
      return;
    }
    case 'map':
    case 'hash': {
      const entries = entriesOf(value, info.kind === 'map');
      const k = reg.require(info.args[0]);
      const val = reg.require(info.args[1]);
      w.u32(entries.length);
      for (const [key, v] of entries) {
        encodePayload(w, k, key, reg);
        encodePayload(w, val, v, reg);
      }
      return;
    }
    case 'pair': {
      const [a, b] = value as [unknown, unknown];
      encodePayload(w, info.args[0], a, reg);
      encodePayload(w, info.args[1], b, reg);
      return;
    }
    case 'gadget': {
      const obj = value as Record<string, unknown>;
      for (const f of info.fields) encodeVariant(w, toQValue(f.type, obj[f.name], reg), reg);
      return;
    }
    case 'struct': {
      const obj = value as Record<string, unknown>;
      for (const f of info.fields) encodePayload(w, f.type, obj[f.name], reg);
      return;
    }
    case 'custom':
      return encodeCustom(w, info.name, value, reg);
  }
}

function entriesOf(value: unknown, sorted: boolean): Array<[unknown, unknown]> {
  const entries: Array<[unknown, unknown]> =
    value instanceof Map ? [...value.entries()] : Array.isArray(value) ? (value as Array<[unknown, unknown]>) : Object.entries(value as object);
  if (!sorted) return entries;
  // QMap is ordered by key; Qt compares QStrings by UTF-16 code unit, like JavaScript's `<`.
  return entries.slice().sort((a, b) => compareKeys(a[0], b[0]));
}

function compareKeys(a: unknown, b: unknown): number {
  if (a instanceof QValue) a = a.value;
  if (b instanceof QValue) b = b.value;
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return (a as number) < (b as number) ? -1 : 1;
}

function asQValue(v: unknown): QValue {
  return v instanceof QValue ? v : inferQValue(v);
}

function encodeCustom(w: Writer, name: string, value: unknown, reg: TypeRegistry): void {
  if (name === QRO) {
    const s = value as SubObject;
    w.string(s.name).string(s.typeName).u8(s.type).byteArray(s.classDefinition).bool(s.isNull);
    if (!s.isNull) w.byteArray(s.parameters ?? new Uint8Array(0));
    return;
  }
  const c = value as OpaqueContainer;
  w.latin1(c.typeName);
  if (name === QAS) w.latin1(c.keyTypeName ?? null);
  w.latin1(c.valueTypeName).byteArray(c.values);
  void reg;
}

function int(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : (v as number);
}
function big(v: unknown): bigint {
  return typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v)));
}

// QRectF, QSize(F), QPoint(F), QLine(F): their fields in order, as i32 or double.
const geometry: Record<number, [string[], boolean]> = {
  [TypeId.QRectF]: [['x', 'y', 'width', 'height'], true],
  [TypeId.QSize]: [['width', 'height'], false],
  [TypeId.QSizeF]: [['width', 'height'], true],
  [TypeId.QPoint]: [['x', 'y'], false],
  [TypeId.QPointF]: [['x', 'y'], true],
  [TypeId.QLine]: [['x1', 'y1', 'x2', 'y2'], false],
  [TypeId.QLineF]: [['x1', 'y1', 'x2', 'y2'], true],
};

function encodeBuiltin(w: Writer, id: number, v: unknown, reg: TypeRegistry): void {
  const geo = geometry[id];
  if (geo) {
    for (const k of geo[0]) (geo[1] ? w.f64 : w.i32).call(w, (v as Record<string, number>)[k]);
    return;
  }
  switch (id) {
    case TypeId.Bool: w.bool(Boolean(v)); return;
    case TypeId.Int: case TypeId.UInt: w.u32(int(v)); return;
    case TypeId.LongLong: case TypeId.Long: w.i64(big(v)); return;
    case TypeId.ULongLong: case TypeId.ULong: w.u64(big(v)); return;
    case TypeId.Double: case TypeId.Float: w.f64(Number(v)); return;
    case TypeId.QChar: w.u16(typeof v === 'string' ? v.charCodeAt(0) : int(v)); return;
    case TypeId.Short: case TypeId.UShort: w.u16(int(v)); return;
    case TypeId.Char: case TypeId.SChar: case TypeId.UChar: w.u8(int(v)); return;
    case TypeId.QString: w.string(v as string | null); return;
    case TypeId.QByteArray: w.byteArray(v as Uint8Array | null); return;
    case TypeId.QUrl: w.latin1((v as string | null) || null); return;
    case TypeId.QLocale: w.string(v as string | null); return;
    case TypeId.QStringList: {
      const items = v as Array<string | null>;
      w.u32(items.length);
      for (const s of items) w.string(s);
      return;
    }
    case TypeId.QByteArrayList: {
      const items = v as Array<Uint8Array | null>;
      w.u32(items.length);
      for (const b of items) w.byteArray(b);
      return;
    }
    case TypeId.QVariantList: {
      const items = v as unknown[];
      w.u32(items.length);
      for (const item of items) encodeVariant(w, asQValue(item), reg);
      return;
    }
    case TypeId.QVariantMap: case TypeId.QVariantHash: {
      const entries = entriesOf(v, id === TypeId.QVariantMap);
      w.u32(entries.length);
      for (const [k, item] of entries) {
        w.string(k as string | null);
        encodeVariant(w, asQValue(item), reg);
      }
      return;
    }
    case TypeId.QDate: w.i64(v === null ? INT64_MIN : big(v)); return;
    case TypeId.QTime: w.u32(v === null ? 0xffffffff : int(v)); return;
    case TypeId.QDateTime: {
      const d = v as DateTime;
      w.i64(d.date === null ? INT64_MIN : big(d.date)).u32(d.time === null ? 0xffffffff : d.time).u8(d.spec);
      if (d.spec === 2) w.i32(d.offset ?? 0);
      else if (d.spec === 3) w.string(d.zone ?? null);
      return;
    }
    case TypeId.QRect: {
      const r = v as Rect;
      w.i32(r.x).i32(r.y).i32(r.x + r.width - 1).i32(r.y + r.height - 1);
      return;
    }
    case TypeId.QUuid: {
      const hex = String(v).replace(/[^0-9a-fA-F]/g, '').padEnd(32, '0');
      w.u32(parseInt(hex.slice(0, 8), 16)).u16(parseInt(hex.slice(8, 12), 16)).u16(parseInt(hex.slice(12, 16), 16));
      for (let i = 16; i < 32; i += 2) w.u8(parseInt(hex.slice(i, i + 2), 16));
      return;
    }
    case TypeId.QBitArray: { const b = v as BitArray; w.u32(b.size).raw(b.bytes); return; }
    case TypeId.QColor: {
      const c = v as Color;
      w.u8(c.spec).u16(c.alpha).u16(c.c1).u16(c.c2).u16(c.c3).u16(c.pad ?? 0);
      return;
    }
    default: return; // std::nullptr_t: no payload
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** Reads one QVariant. Unknown user type names throw a DecodeError (the frame is lost, §4.1). */
export function decodeVariant(r: Reader, reg: TypeRegistry, depth = 0): QValue {
  if (depth > MAX_DEPTH) throw new DecodeError('too deep');
  const id = r.u32();
  r.u8(); // isNull: never means "no payload" (§4.1)
  if (id === 0) return QValue.invalid;
  if (id !== TypeId.User) {
    const name = builtinNames[id];
    if (name === undefined) throw new DecodeError(`unknown type ${id}`);
    return new QValue(name, decodeBuiltin(r, id, reg, depth));
  }
  const name = r.cstring();
  const info = reg.find(name);
  if (!info) throw new DecodeError(`unknown type ${name}`);
  return new QValue(info.name, decodePayload(r, info, reg, depth));
}

/** Reads a bare payload of `type`. */
export function decodePayload(r: Reader, type: string | TypeInfo, reg: TypeRegistry, depth = 0): unknown {
  const info = typeof type === 'string' ? reg.require(type) : type;
  switch (info.kind) {
    case 'builtin':
      return decodeBuiltin(r, info.id, reg, depth);
    case 'variant':
      return decodeVariant(r, reg, depth + 1);
    case 'enum':
      return info.size === 1 ? r.i8() : info.size === 2 ? r.i16() : r.i32();
    case 'list': {
      const n = r.count();
      const el = reg.require(info.args[0]);
      const out: unknown[] = [];
      for (let i = 0; i < n; i++) out.push(decodePayload(r, el, reg, depth + 1));
      return out;
    }
    case 'map':
    case 'hash': {
      const n = r.count();
      const k = reg.require(info.args[0]);
      const v = reg.require(info.args[1]);
      const out = new Map<unknown, unknown>();
      for (let i = 0; i < n; i++) {
        const key = decodePayload(r, k, reg, depth + 1);
        out.set(key, decodePayload(r, v, reg, depth + 1));
      }
      return out;
    }
    case 'pair':
      return [decodePayload(r, info.args[0], reg, depth + 1), decodePayload(r, info.args[1], reg, depth + 1)];
    case 'gadget': {
      const out: Record<string, QValue> = {};
      for (const f of info.fields) out[f.name] = decodeVariant(r, reg, depth + 1);
      return out;
    }
    case 'struct': {
      const out: Record<string, unknown> = {};
      for (const f of info.fields) out[f.name] = decodePayload(r, f.type, reg, depth + 1);
      return out;
    }
    case 'custom': {
      if (info.name === QRO) {
        const s: SubObject = {
          name: r.string(), typeName: r.string(), type: r.u8(), classDefinition: r.bytesOrNull(),
          isNull: r.bool(), parameters: null,
        };
        if (!s.isNull) s.parameters = r.bytesOrNull();
        return s;
      }
      const c: OpaqueContainer = { typeName: r.latin1(), valueTypeName: null, values: null };
      if (info.name === QAS) c.keyTypeName = r.latin1();
      c.valueTypeName = r.latin1();
      c.values = r.bytesOrNull();
      return c;
    }
  }
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function decodeBuiltin(r: Reader, id: number, reg: TypeRegistry, depth: number): unknown {
  const geo = geometry[id];
  if (geo) return Object.fromEntries(geo[0].map((k) => [k, geo[1] ? r.f64() : r.i32()]));
  switch (id) {
    case TypeId.Bool: return r.bool();
    case TypeId.Int: return r.i32();
    case TypeId.UInt: return r.u32();
    case TypeId.LongLong: case TypeId.Long: return r.i64();
    case TypeId.ULongLong: case TypeId.ULong: return r.u64();
    case TypeId.Double: case TypeId.Float: return r.f64();
    case TypeId.QChar: return String.fromCharCode(r.u16());
    case TypeId.Short: return r.i16();
    case TypeId.UShort: return r.u16();
    case TypeId.Char: case TypeId.SChar: return r.i8();
    case TypeId.UChar: return r.u8();
    case TypeId.QString: case TypeId.QLocale: return r.string();
    case TypeId.QByteArray: return r.bytesOrNull();
    case TypeId.QUrl: { const b = r.bytesOrNull(); return b === null ? null : latin1(b); }
    case TypeId.QStringList: {
      const n = r.count(4);
      const out: Array<string | null> = [];
      for (let i = 0; i < n; i++) out.push(r.string());
      return out;
    }
    case TypeId.QByteArrayList: {
      const n = r.count(4);
      const out: Array<Uint8Array | null> = [];
      for (let i = 0; i < n; i++) out.push(r.bytesOrNull());
      return out;
    }
    case TypeId.QVariantList: {
      const n = r.count(5);
      const out: QValue[] = [];
      for (let i = 0; i < n; i++) out.push(decodeVariant(r, reg, depth + 1));
      return out;
    }
    case TypeId.QVariantMap: case TypeId.QVariantHash: {
      const n = r.count(9);
      const out = new Map<string | null, QValue>();
      for (let i = 0; i < n; i++) {
        const k = r.string();
        out.set(k, decodeVariant(r, reg, depth + 1));
      }
      return out;
    }
    case TypeId.QDate: return dateOut(r.i64());
    case TypeId.QTime: { const t = r.u32(); return t === 0xffffffff ? null : t; }
    case TypeId.QDateTime: {
      const date = dateOut(r.i64());
      const t = r.u32();
      const d: DateTime = { date, time: t === 0xffffffff ? null : t, spec: r.u8() };
      if (d.spec === 2) d.offset = r.i32();
      else if (d.spec === 3) d.zone = r.string();
      return d;
    }
    case TypeId.QRect: {
      const x = r.i32(), y = r.i32(), right = r.i32(), bottom = r.i32();
      return { x, y, width: right - x + 1, height: bottom - y + 1 };
    }
    case TypeId.QUuid: {
      const d1 = hex(r.u32(), 8), d2 = hex(r.u16(), 4), d3 = hex(r.u16(), 4);
      let d4 = '';
      for (let i = 0; i < 8; i++) d4 += hex(r.u8(), 2);
      return `{${d1}-${d2}-${d3}-${d4.slice(0, 4)}-${d4.slice(4)}}`;
    }
    case TypeId.QBitArray: {
      const size = r.u32();
      return { size, bytes: r.raw(Math.ceil(size / 8)) };
    }
    case TypeId.QColor:
      return { spec: r.u8(), alpha: r.u16(), c1: r.u16(), c2: r.u16(), c3: r.u16(), pad: r.u16() };
    default: return null; // std::nullptr_t
  }
}

function dateOut(jd: bigint): number | bigint | null {
  if (jd === INT64_MIN) return null;
  return jd >= BigInt(Number.MIN_SAFE_INTEGER) && jd <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(jd) : jd;
}

// ---------------------------------------------------------------------------------------------
// From plain JavaScript

/** A QValue for a plain JavaScript value whose Qt type is not declared (a QVariant parameter). */
export function inferQValue(v: unknown): QValue {
  if (v instanceof QValue) return v;
  if (v === undefined || v === null) return QValue.invalid;
  if (typeof v === 'boolean') return new QValue('bool', v);
  if (typeof v === 'bigint') return new QValue('qlonglong', v);
  if (typeof v === 'number') return new QValue(Number.isInteger(v) && v >= -0x80000000 && v <= 0x7fffffff && !Object.is(v, -0) ? 'int' : 'double', v);
  if (typeof v === 'string') return new QValue('QString', v);
  if (v instanceof Uint8Array) return new QValue('QByteArray', v);
  if (Array.isArray(v)) return new QValue('QVariantList', v.map(inferQValue));
  if (v instanceof Map) return new QValue('QVariantMap', new Map([...v].map(([k, x]) => [String(k), inferQValue(x)])));
  return new QValue('QVariantMap', new Map(Object.entries(v as object).map(([k, x]) => [k, inferQValue(x)])));
}

/**
 * The QValue for `v` where Qt type `type` is declared (a property, a slot parameter). A QValue
 * passes unchanged; plain values are converted (numbers to BigInt for 64-bit types, nested
 * elements likewise). Enum types become the integer of the enum's size, as they travel.
 */
export function toQValue(type: string, v: unknown, reg: TypeRegistry): QValue {
  if (v instanceof QValue) return v;
  const name = normalizeType(type);
  const info = reg.find(name);
  if (!info || info.kind === 'variant') return inferQValue(v);
  return new QValue(info.name, toBare(info, v, reg));
}

function toBare(info: TypeInfo, v: unknown, reg: TypeRegistry): unknown {
  if (v instanceof QValue) return v.value;
  switch (info.kind) {
    case 'builtin':
      switch (info.id) {
        case TypeId.LongLong: case TypeId.Long: case TypeId.ULongLong: case TypeId.ULong: return big(v);
        case TypeId.QVariantList: return (v as unknown[]).map(inferQValue);
        case TypeId.QVariantMap: case TypeId.QVariantHash:
          return new Map(entriesOf(v, false).map(([k, x]) => [k, inferQValue(x)]));
        case TypeId.QByteArray: return typeof v === 'string' ? fromLatin1(v) : v;
        case TypeId.Bool: return Boolean(v);
        case TypeId.QString: return v === undefined ? '' : v;
        default: return typeof v === 'bigint' ? Number(v) : v;
      }
    case 'enum': {
      if (typeof v === 'string' && info.kind === 'enum') {
        const key = info.def?.keys.find(([k]) => k === v);
        if (key) return key[1];
      }
      return int(v);
    }
    case 'list': {
      const el = reg.require(info.args[0]);
      return (v as unknown[]).map((x) => toBare(el, x, reg));
    }
    case 'map': case 'hash': {
      const k = reg.require(info.args[0]);
      const val = reg.require(info.args[1]);
      return new Map(entriesOf(v, false).map(([a, b]) => [toBare(k, a, reg), toBare(val, b, reg)]));
    }
    case 'pair': {
      const [a, b] = v as [unknown, unknown];
      return [toBare(reg.require(info.args[0]), a, reg), toBare(reg.require(info.args[1]), b, reg)];
    }
    case 'gadget': {
      const obj = (v ?? {}) as Record<string, unknown>;
      const out: Record<string, QValue> = {};
      for (const f of info.fields) out[f.name] = toQValue(f.type, obj[f.name], reg);
      return out;
    }
    default:
      return v;
  }
}

/**
 * Plain JavaScript for a QValue: QVariant wrappers removed recursively (QVariantList →
 * array of plain values, QVariantMap → object, gadget → object). Loses the Qt types; use the
 * QValue itself where exactness matters.
 */
export function toPlain(v: unknown): unknown {
  if (v instanceof QValue) return toPlain(v.value);
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) {
    const keysAreStrings = [...v.keys()].every((k) => typeof k === 'string');
    return keysAreStrings ? Object.fromEntries([...v].map(([k, x]) => [k, toPlain(x)])) : new Map([...v].map(([k, x]) => [k, toPlain(x)]));
  }
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toPlain(x)]));
  }
  return v;
}

/** Encodes a QValue as a standalone little-endian QVariant (tests, equality checks). */
export function variantBytes(v: QValue, reg: TypeRegistry, le = true): Uint8Array {
  const w = new Writer(le);
  encodeVariant(w, v, reg);
  return w.bytes();
}

/** Whether two QValues are the same value of the same type (compared by their encoding). */
export function sameValue(a: QValue, b: QValue, reg: TypeRegistry): boolean {
  if (a === b) return true;
  try {
    const x = variantBytes(a, reg);
    const y = variantBytes(b, reg);
    return x.length === y.length && x.every((byte, i) => byte === y[i]);
  } catch {
    return false;
  }
}

export { splitTemplate };

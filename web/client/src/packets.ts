// QtRO 2.0 packets (protocol §3) and the interface definition block (§6.2), plus the frame
// splitter (§2.2): frames are parsed strictly within their `size` boundary, so a malformed frame
// is dropped and the next one is read normally (more robust than Qt).

import { decodeVariant, encodeVariant } from './codec.js';
import { DecodeError, Reader, Writer } from './stream.js';
import type { EnumDef, GadgetDef, TypeRegistry } from './types.js';
import { QValue } from './types.js';

export const enum PacketType {
  Invalid = 0, Handshake = 1, InitPacket = 2, InitDynamicPacket = 3, AddObject = 4, RemoveObject = 5,
  InvokePacket = 6, InvokeReplyPacket = 7, PropertyChangePacket = 8, ObjectList = 9, Ping = 10, Pong = 11,
}

export const PROTOCOL_VERSION = 'QtRO 2.0';

export interface MethodDef {
  /** Normalized signature, e.g. "reset(int)". */
  signature: string;
  /** The name part of the signature ("reset"). */
  name: string;
  /** Parameter type names parsed from the signature. */
  parameterTypes: string[];
  parameterNames: string[];
  /** Return type ("void" or empty for fire-and-forget). Signals have none. */
  returnType?: string;
}

export interface PropertyDef {
  name: string;
  type: string;
  /** Signature of the NOTIFY signal, null for none (CONSTANT). */
  notify: string | null;
}

/** The interface definition a dynamic replica receives (§6.2). */
export interface ClassDef {
  typeName: string | null;
  enums: EnumDef[];
  qtEnums: string[];
  gadgets: GadgetDef[];
  signals: MethodDef[];
  methods: MethodDef[];
  properties: PropertyDef[];
}

export interface ObjectInfo {
  name: string;
  typeName: string | null;
  signature: string | null;
}

export type Packet =
  | { type: PacketType.Handshake; name: string }
  | { type: PacketType.InitPacket; name: string; values: QValue[] }
  | { type: PacketType.InitDynamicPacket; name: string; definition: ClassDef; values: QValue[] }
  | { type: PacketType.AddObject; name: string; isDynamic: boolean }
  | { type: PacketType.RemoveObject; name: string }
  | { type: PacketType.InvokePacket; name: string; call: number; index: number; args: QValue[]; serialId: number; propertyIndex: number }
  | { type: PacketType.InvokeReplyPacket; name: string; serialId: number; value: QValue }
  | { type: PacketType.PropertyChangePacket; name: string; index: number; value: QValue }
  | { type: PacketType.ObjectList; objects: ObjectInfo[] }
  | { type: PacketType.Ping | PacketType.Pong; name: string };

/** Splits "reset(int,QString)" into its name and parameter types (nested templates respected). */
export function parseSignature(sig: string): { name: string; types: string[] } {
  const open = sig.indexOf('(');
  if (open < 0) return { name: sig, types: [] };
  const inner = sig.slice(open + 1, sig.lastIndexOf(')'));
  const types: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (c === ',' && depth === 0) {
      types.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  if (inner.length) types.push(inner.slice(start));
  return { name: sig.slice(0, open), types };
}

function readEnum(r: Reader): EnumDef {
  const name = r.latin1() ?? '';
  const isFlag = r.bool();
  const isScoped = r.bool();
  const size = r.u32() || 4;
  const n = r.count(8);
  const keys: Array<[string, number]> = [];
  for (let i = 0; i < n; i++) keys.push([r.latin1() ?? '', r.i32()]);
  return { name, isFlag, isScoped, size, keys };
}

function readNames(r: Reader): string[] {
  const n = r.count(4);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.latin1() ?? '');
  return out;
}

/** Reads a definition block (§6.2) in the reader's byte order. */
export function readDefinition(r: Reader): ClassDef {
  const def: ClassDef = { typeName: r.string(), enums: [], qtEnums: [], gadgets: [], signals: [], methods: [], properties: [] };
  for (let i = r.count(14); i > 0; i--) def.enums.push(readEnum(r));
  for (let i = r.count(4); i > 0; i--) def.qtEnums.push(r.latin1() ?? '');
  for (let i = r.count(12); i > 0; i--) {
    const g: GadgetDef = { name: r.latin1() ?? '', properties: [], enums: [] };
    for (let j = r.count(8); j > 0; j--) g.properties.push({ name: r.latin1() ?? '', type: r.latin1() ?? '' });
    for (let j = r.count(14); j > 0; j--) g.enums.push(readEnum(r));
    def.gadgets.push(g);
  }
  for (let i = r.count(8); i > 0; i--) {
    const signature = r.latin1() ?? '';
    const p = parseSignature(signature);
    def.signals.push({ signature, name: p.name, parameterTypes: p.types, parameterNames: readNames(r) });
  }
  for (let i = r.count(12); i > 0; i--) {
    const signature = r.latin1() ?? '';
    const returnType = r.latin1() ?? '';
    const p = parseSignature(signature);
    def.methods.push({ signature, name: p.name, parameterTypes: p.types, parameterNames: readNames(r), returnType });
  }
  for (let i = r.count(12); i > 0; i--) {
    def.properties.push({ name: r.cstring(), type: r.cstring(), notify: r.latin1() });
  }
  return def;
}

/** Registers the gadgets and enums a definition declares (§6.3). */
export function registerDefinition(def: ClassDef, reg: TypeRegistry): void {
  for (const q of def.qtEnums) reg.registerEnum(q, { name: q.slice(q.lastIndexOf(':') + 1), isFlag: false, isScoped: false, size: 4, keys: [] });
  for (const g of def.gadgets) reg.registerGadget(g);
  for (const e of def.enums) reg.registerEnum(def.typeName ? `${def.typeName}::${e.name}` : e.name, e);
}

function readValues(r: Reader, reg: TypeRegistry): QValue[] {
  const out: QValue[] = [];
  for (let n = r.count(5); n > 0; n--) out.push(decodeVariant(r, reg));
  return out;
}

/** Decodes the content of one frame (everything after `size`); throws DecodeError when malformed. */
export function decodePacket(content: Uint8Array, reg: TypeRegistry): Packet {
  const r = new Reader(content);
  const type = r.u16();
  if (type === PacketType.ObjectList) {
    const objects: ObjectInfo[] = [];
    for (let n = r.count(12); n > 0; n--) objects.push({ name: r.string() ?? '', typeName: r.string(), signature: r.latin1() });
    return { type, objects };
  }
  const name = r.string() ?? '';
  let p: Packet;
  switch (type) {
    case PacketType.Handshake: case PacketType.RemoveObject: case PacketType.Ping: case PacketType.Pong:
      p = { type, name } as Packet;
      break;
    case PacketType.InitPacket:
      p = { type, name, values: readValues(r, reg) };
      break;
    case PacketType.InitDynamicPacket: {
      const definition = readDefinition(r);
      registerDefinition(definition, reg);
      p = { type, name, definition, values: readValues(r, reg) };
      break;
    }
    case PacketType.AddObject:
      p = { type, name, isDynamic: r.bool() };
      break;
    case PacketType.InvokePacket: {
      const call = r.i32();
      const index = r.i32();
      const args: QValue[] = [];
      for (let n = r.count(5); n > 0; n--) args.push(decodeVariant(r, reg));
      p = { type, name, call, index, args, serialId: r.i32(), propertyIndex: r.i32() };
      break;
    }
    case PacketType.InvokeReplyPacket:
      p = { type, name, serialId: r.i32(), value: decodeVariant(r, reg) };
      break;
    case PacketType.PropertyChangePacket:
      p = { type, name, index: r.i32(), value: decodeVariant(r, reg) };
      break;
    default:
      throw new DecodeError(`unknown packet type ${type}`);
  }
  if (!r.atEnd()) throw new DecodeError('trailing bytes');
  return p;
}

/** Encodes one whole frame of the packets a client sends (AddObject, RemoveObject, Invoke, Ping). */
export function encodeClientPacket(p: Packet, reg: TypeRegistry): Uint8Array {
  const w = new Writer(true, 64);
  w.u32(0).u16(p.type);
  if (p.type !== PacketType.ObjectList) w.string(p.name);
  if (p.type === PacketType.AddObject) w.bool(p.isDynamic);
  else if (p.type === PacketType.InvokePacket) {
    w.i32(p.call).i32(p.index).u32(p.args.length);
    for (const a of p.args) encodeVariant(w, a, reg);
    w.i32(p.serialId).i32(p.propertyIndex);
  }
  w.patchU32(0, w.length - 4);
  return w.bytes();
}

/**
 * Reassembles frames from arbitrary chunks (TCP segments, WebSocket messages: boundaries carry
 * no meaning). `maxFrame` bounds a single frame so a hostile peer cannot make us buffer forever.
 */
export class FrameSplitter {
  private chunks: Uint8Array[] = [];
  private buffered = 0;

  constructor(private readonly maxFrame = 64 * 1024 * 1024) {}

  /** Appends bytes and returns the contents (after `size`) of every complete frame. */
  push(data: Uint8Array): Uint8Array[] {
    this.chunks.push(data);
    this.buffered += data.length;
    const frames: Uint8Array[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const size = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true);
      if (size > this.maxFrame) throw new DecodeError(`frame of ${size} bytes exceeds the limit`);
      if (this.buffered < 4 + size) break;
      const all = this.take(4 + size);
      frames.push(all.subarray(4));
    }
    return frames;
  }

  private flatten(): Uint8Array {
    if (this.chunks.length === 1) return this.chunks[0];
    const out = new Uint8Array(this.buffered);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    this.chunks = [out];
    return out;
  }

  private peek(n: number): Uint8Array {
    const first = this.chunks[0];
    return first.length >= n ? first : this.flatten();
  }

  private take(n: number): Uint8Array {
    const all = this.flatten();
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.buffered = rest.length;
    return out;
  }

  reset(): void {
    this.chunks = [];
    this.buffered = 0;
  }
}

// Encoding of every packet, including what only hosts send (Init, InitDynamic with its
// definition block, replies, property changes, ObjectList). Not part of the browser bundle:
// Node.js tests and tools use it to play a host.

import { encodeVariant } from './codec.js';
import type { ClassDef, Packet } from './packets.js';
import { PacketType } from './packets.js';
import { Writer } from './stream.js';
import type { EnumDef, TypeRegistry } from './types.js';

function writeEnum(w: Writer, e: EnumDef): void {
  w.latin1(e.name).bool(e.isFlag).bool(e.isScoped).u32(e.size).u32(e.keys.length);
  for (const [k, v] of e.keys) w.latin1(k).i32(v);
}

/** Writes a definition block; the inverse of readDefinition (tests, hosts). */
export function writeDefinition(w: Writer, def: ClassDef): void {
  w.string(def.typeName).u32(def.enums.length);
  for (const e of def.enums) writeEnum(w, e);
  w.u32(def.qtEnums.length);
  for (const q of def.qtEnums) w.latin1(q);
  w.u32(def.gadgets.length);
  for (const g of def.gadgets) {
    w.latin1(g.name).u32(g.properties.length);
    for (const p of g.properties) w.latin1(p.name).latin1(p.type);
    w.u32(g.enums.length);
    for (const e of g.enums) writeEnum(w, e);
  }
  const names = (list: string[]) => {
    w.u32(list.length);
    for (const n of list) w.latin1(n);
  };
  w.u32(def.signals.length);
  for (const s of def.signals) {
    w.latin1(s.signature);
    names(s.parameterNames);
  }
  w.u32(def.methods.length);
  for (const m of def.methods) {
    w.latin1(m.signature).latin1(m.returnType ?? 'void');
    names(m.parameterNames);
  }
  w.u32(def.properties.length);
  for (const p of def.properties) w.cstring(p.name).cstring(p.type).latin1(p.notify);
}

/** Encodes one whole frame (size field included). */
export function encodePacket(p: Packet, reg: TypeRegistry): Uint8Array {
  const w = new Writer(true, 64);
  w.u32(0).u16(p.type);
  if (p.type !== PacketType.ObjectList) w.string(p.name);
  switch (p.type) {
    case PacketType.InitPacket:
      w.u32(p.values.length);
      for (const v of p.values) encodeVariant(w, v, reg);
      break;
    case PacketType.InitDynamicPacket:
      writeDefinition(w, p.definition);
      w.u32(p.values.length);
      for (const v of p.values) encodeVariant(w, v, reg);
      break;
    case PacketType.AddObject:
      w.bool(p.isDynamic);
      break;
    case PacketType.InvokePacket:
      w.i32(p.call).i32(p.index).u32(p.args.length);
      for (const a of p.args) encodeVariant(w, a, reg);
      w.i32(p.serialId).i32(p.propertyIndex);
      break;
    case PacketType.InvokeReplyPacket:
      w.i32(p.serialId);
      encodeVariant(w, p.value, reg);
      break;
    case PacketType.PropertyChangePacket:
      w.i32(p.index);
      encodeVariant(w, p.value, reg);
      break;
    case PacketType.ObjectList:
      w.u32(p.objects.length);
      for (const o of p.objects) w.string(o.name).string(o.typeName).latin1(o.signature);
      break;
    default:
      break;
  }
  w.patchU32(0, w.length - 4);
  return w.bytes();
}


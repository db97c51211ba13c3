// The type system: QValue (a value that keeps its Qt type), builtin type ids (protocol §4.2), and
// the TypeRegistry that knows how every type name is laid out on the wire: builtins, the
// template families QList/QVector/QMap/QHash/std::pair/QPair parsed from the name, gadgets and
// enums registered from interface definitions, fixed structs, and QtRO's own types (§4.5, §9.3).

import { DecodeError } from './stream.js';

/**
 * A value with its exact Qt type name ("int", "qlonglong", "QString", "QList<int>", "MyPod"...).
 * `value` is the bare JavaScript form of the payload (see docs/doppel-js.md, "Values"):
 * integers up to 32 bits and doubles are numbers, 64-bit integers are BigInt, QString is
 * `string | null` (null is Qt's null string), QByteArray is `Uint8Array | null`, QVariantList is
 * `QValue[]`, QVariantMap/QVariantHash and QMap/QHash are `Map`, gadgets are objects of QValues.
 * Decoding and encoding again gives the same bytes.
 */
export class QValue<T = unknown> {
  constructor(
    readonly type: string,
    readonly value: T,
  ) {}
  /** The invalid QVariant (what a void slot returns). */
  static readonly invalid = new QValue<undefined>('invalid', undefined);
  get isValid(): boolean {
    return this.type !== 'invalid';
  }
}

export const enum TypeId {
  Invalid = 0, Bool = 1, Int = 2, UInt = 3, LongLong = 4, ULongLong = 5, Double = 6, QChar = 7,
  QVariantMap = 8, QVariantList = 9, QString = 10, QStringList = 11, QByteArray = 12, QBitArray = 13,
  QDate = 14, QTime = 15, QDateTime = 16, QUrl = 17, QLocale = 18, QRect = 19, QRectF = 20, QSize = 21,
  QSizeF = 22, QLine = 23, QLineF = 24, QPoint = 25, QPointF = 26, QVariantHash = 28, QUuid = 30,
  Long = 32, Short = 33, Char = 34, ULong = 35, UShort = 36, UChar = 37, Float = 38, SChar = 40,
  QByteArrayList = 49, Nullptr = 51, QColor = 0x1003, User = 65536,
}

/** Qt's names of the builtin types, by id. */
export const builtinNames: Record<number, string> = {};
('invalid,bool,int,uint,qlonglong,qulonglong,double,QChar,QVariantMap,QVariantList,QString,QStringList,' +
  'QByteArray,QBitArray,QDate,QTime,QDateTime,QUrl,QLocale,QRect,QRectF,QSize,QSizeF,QLine,QLineF,QPoint,' +
  'QPointF,,QVariantHash,,QUuid,,long,short,char,ulong,ushort,uchar,float,,signed char,,,,,,,,,QByteArrayList,,std::nullptr_t')
  .split(',')
  .forEach((n, id) => n && (builtinNames[id] = n));
builtinNames[TypeId.QColor] = 'QColor';

const aliases: Record<string, string> = { '': 'invalid' };
('qint64=qlonglong,quint64=qulonglong,long long=qlonglong,unsigned long long=qulonglong,qint32=int,quint32=uint,' +
  'unsigned int=uint,unsigned=uint,qint16=short,quint16=ushort,unsigned short=ushort,qint8=signed char,' +
  'quint8=uchar,unsigned char=uchar,unsigned long=ulong,qreal=double,QList<QString>=QStringList,' +
  'QList<QVariant>=QVariantList,QMap<QString;QVariant>=QVariantMap,QHash<QString;QVariant>=QVariantHash,' +
  'QList<QByteArray>=QByteArrayList,nullptr_t=std::nullptr_t')
  .split(',')
  .forEach((pair) => {
    const [from, to] = pair.split('=');
    aliases[from.replace(';', ',')] = to;
  });

const builtinIds: Record<string, number> = {};
for (const [id, name] of Object.entries(builtinNames)) builtinIds[name] = Number(id);

export interface Field {
  name: string;
  type: string;
}

export interface EnumDef {
  name: string;
  isFlag: boolean;
  isScoped: boolean;
  /** Byte size of the underlying integer: 1, 2 or 4 (0 on the wire is read as 4, §15.2). */
  size: number;
  keys: Array<[string, number]>;
}

export interface GadgetDef {
  name: string;
  properties: Field[];
  enums: EnumDef[];
}

/** How one type's payload is laid out (after the QVariant header, or bare inside containers). */
export type TypeInfo =
  | { kind: 'builtin'; name: string; id: number }
  | { kind: 'variant'; name: 'QVariant' }
  | { kind: 'list' | 'map' | 'hash' | 'pair'; name: string; args: string[] }
  | { kind: 'gadget' | 'struct'; name: string; fields: Field[] }
  | { kind: 'enum'; name: string; size: number; def?: EnumDef }
  | { kind: 'custom'; name: string };

export const QRO = 'QRemoteObjectPackets::QRO_';
export const QSQ = 'QRemoteObjectPackets::QSQ_';
export const QAS = 'QRemoteObjectPackets::QAS_';

/** Qt's normalized spelling of a type name (no spaces after commas, QVector → QList, QPair → std::pair). */
export function normalizeType(name: string): string {
  let n = name.trim().replace(/\s*([<>,*&])\s*/g, '$1').replace(/\s+/g, ' ');
  n = n.replace(/\bQVector</g, 'QList<').replace(/\bQPair</g, 'std::pair<').replace(/^const /, '');
  n = n.replace(/&$/, '');
  return aliases[n] ?? n;
}

/** Splits "QMap<QString,QList<int>>" into ["QMap", ["QString", "QList<int>"]]; null if not a template. */
export function splitTemplate(name: string): [string, string[]] | null {
  const open = name.indexOf('<');
  if (open < 0 || !name.endsWith('>')) return null;
  const args: string[] = [];
  let depth = 0;
  let start = open + 1;
  for (let i = start; i < name.length - 1; i++) {
    const c = name[i];
    if (c === '<') depth++;
    else if (c === '>') depth--;
    else if (c === ',' && depth === 0) {
      args.push(name.slice(start, i));
      start = i + 1;
    }
  }
  args.push(name.slice(start, name.length - 1));
  return [name.slice(0, open), args];
}

/** Whether the name is a builtin type; returns its id or undefined. */
export function builtinId(name: string): number | undefined {
  return builtinIds[normalizeType(name)];
}

export class TypeRegistry {
  private readonly types = new Map<string, TypeInfo>();

  constructor() {
    // The registry's and the model adapter's structs (§8.2, §9.3); DataEntries is laid out
    // exactly like QList<IndexValuePair>. Written compactly to keep the bundle small.
    ('QRemoteObjectSourceLocationInfo:typeName QString,hostUrl QUrl;ModelIndex:row int,column int;' +
      'IndexValuePair:index QList<ModelIndex>,data QVariantList,hasChildren bool,flags int,' +
      'children QList<IndexValuePair>,size QSize;DataEntries:data QList<IndexValuePair>;' +
      'MetaAndDataEntries:data QList<IndexValuePair>,roles QList<int>,size QSize')
      .split(';')
      .forEach((spec) => {
        const [name, fields] = spec.split(':');
        this.registerStruct(name, fields.split(',').map((f) => ({ name: f.split(' ')[0], type: f.split(' ')[1] })));
      });
    this.registerEnum('Qt::Orientation', { name: 'Orientation', isFlag: false, isScoped: false, size: 4, keys: [['Horizontal', 1], ['Vertical', 2]] });
    for (const custom of [QRO, QSQ, QAS]) this.types.set(custom, { kind: 'custom', name: custom });
  }

  /** The layout of a type name, or undefined when unknown. */
  find(name: string): TypeInfo | undefined {
    const n = normalizeType(name);
    const known = this.types.get(n);
    if (known) return known;
    if (n === 'QVariant') return { kind: 'variant', name: 'QVariant' };
    // Property types keep the source's class name ("LabSource::Mode", §6.2): try the enum alone.
    const e = n.includes('::') && this.types.get(n.slice(n.lastIndexOf(':') + 1));
    if (e && e.kind === 'enum') return e;
    const id = builtinIds[n];
    if (id !== undefined) return { kind: 'builtin', name: n, id };
    const t = splitTemplate(n);
    if (!t) return undefined;
    const [family, args] = t;
    let info: TypeInfo | undefined;
    if ((family === 'QList' || family === 'QSet') && args.length === 1) info = { kind: 'list', name: n, args };
    else if (family === 'QMap' && args.length === 2) info = { kind: 'map', name: n, args };
    else if (family === 'QHash' && args.length === 2) info = { kind: 'hash', name: n, args };
    else if (family === 'std::pair' && args.length === 2) info = { kind: 'pair', name: n, args };
    if (!info || !args.every((a) => this.find(a))) return undefined;
    if (this.types.size < 4096) this.types.set(n, info);
    return info;
  }

  /** Like find, but throws a DecodeError for an unknown name. */
  require(name: string): TypeInfo {
    const info = this.find(name);
    if (!info) throw new DecodeError(`unknown type ${name}`);
    return info;
  }

  registerGadget(def: GadgetDef): void {
    this.types.set(normalizeType(def.name), { kind: 'gadget', name: normalizeType(def.name), fields: def.properties });
    for (const e of def.enums) this.registerEnum(`${def.name}::${e.name}`, e);
  }

  registerStruct(name: string, fields: Field[]): void {
    this.types.set(name, { kind: 'struct', name, fields });
  }

  /** An enum by its qualified name; the unqualified name too unless already taken. */
  registerEnum(qualified: string, def: EnumDef): void {
    const info: TypeInfo = { kind: 'enum', name: qualified, size: def.size || 4, def };
    this.types.set(qualified, info);
    const short = qualified.slice(qualified.lastIndexOf(':') + 1);
    if (!this.types.has(short)) this.types.set(short, { ...info, name: short });
  }
}

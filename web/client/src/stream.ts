// QDataStream v20 primitives over bytes (protocol §2.3, §4.3). The connection stream is
// little-endian; the blobs nested in QRO_/QSQ_/QAS_ values are big-endian, so both Reader and
// Writer take the byte order as a parameter.

/** Thrown for malformed input; the frame carrying it is dropped, the connection survives. */
export class DecodeError extends Error {
  override name = 'DecodeError';
}

const utf16le = typeof TextDecoder !== 'undefined' ? new TextDecoder('utf-16le') : undefined;
const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

export function utf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}
export function fromUtf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
/** Bytes of a Latin-1 string (type names, signatures, encoded URLs are ASCII in practice). */
export function fromLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
export function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    s += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return s;
}

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += (b < 16 ? '0' : '') + b.toString(16);
  return s;
}
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

export class Reader {
  private pos = 0;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly le = true,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }
  atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  private need(n: number): number {
    if (n > this.bytes.length - this.pos) throw new DecodeError('truncated');
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.view.getUint8(this.need(1));
  }
  i8(): number {
    return this.view.getInt8(this.need(1));
  }
  bool(): boolean {
    return this.u8() !== 0;
  }
  u16(): number {
    return this.view.getUint16(this.need(2), this.le);
  }
  i16(): number {
    return this.view.getInt16(this.need(2), this.le);
  }
  u32(): number {
    return this.view.getUint32(this.need(4), this.le);
  }
  i32(): number {
    return this.view.getInt32(this.need(4), this.le);
  }
  i64(): bigint {
    return this.view.getBigInt64(this.need(8), this.le);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.need(8), this.le);
  }
  f64(): number {
    return this.view.getFloat64(this.need(8), this.le);
  }
  raw(n: number): Uint8Array {
    const at = this.need(n);
    return this.bytes.slice(at, at + n);
  }
  /** A count that must be plausible for elements of at least `minSize` bytes each. */
  count(minSize = 1): number {
    const n = this.u32();
    if (n * minSize > this.remaining) throw new DecodeError('bad count');
    return n;
  }

  /** QString: u32 byte length (0xFFFFFFFF = null) + UTF-16 in stream order. */
  string(): string | null {
    const n = this.u32();
    if (n === 0xffffffff) return null;
    if (n & 1) throw new DecodeError('odd QString length');
    const at = this.need(n);
    if (this.le && utf16le) return utf16le.decode(this.bytes.subarray(at, at + n));
    let s = '';
    for (let i = 0; i < n; i += 2) s += String.fromCharCode(this.view.getUint16(at + i, this.le));
    return s;
  }
  /** QByteArray: u32 length (0xFFFFFFFF = null) + bytes. */
  bytesOrNull(): Uint8Array | null {
    const n = this.u32();
    if (n === 0xffffffff) return null;
    return this.raw(n);
  }
  /** A QByteArray read as Latin-1 text (type names, signatures); null stays null. */
  latin1(): string | null {
    const b = this.bytesOrNull();
    return b === null ? null : latin1(b);
  }
  /** A NUL-terminated QByteArray (property names and types in definitions, type names). */
  cstring(): string {
    const b = this.bytesOrNull();
    if (b === null || b.length === 0) return '';
    return latin1(b[b.length - 1] === 0 ? b.subarray(0, b.length - 1) : b);
  }
}

export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  constructor(
    readonly le = true,
    capacity = 256,
  ) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.len;
  }

  private grow(n: number): number {
    if (this.len + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.len;
    this.len += n;
    return at;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** Reserves n bytes and returns the view to write them with (at this.len - n). */
  private room(n: number): DataView {
    this.grow(n);
    return this.view;
  }

  u8(v: number): this {
    this.room(1).setUint8(this.len - 1, v & 0xff);
    return this;
  }
  bool(v: boolean): this {
    return this.u8(v ? 1 : 0);
  }
  u16(v: number): this {
    this.room(2).setUint16(this.len - 2, v & 0xffff, this.le);
    return this;
  }
  u32(v: number): this {
    this.room(4).setUint32(this.len - 4, v >>> 0, this.le);
    return this;
  }
  i32(v: number): this {
    this.room(4).setInt32(this.len - 4, v | 0, this.le);
    return this;
  }
  i64(v: bigint): this {
    this.room(8).setBigInt64(this.len - 8, BigInt.asIntN(64, v), this.le);
    return this;
  }
  u64(v: bigint): this {
    this.room(8).setBigUint64(this.len - 8, BigInt.asUintN(64, v), this.le);
    return this;
  }
  f64(v: number): this {
    this.room(8).setFloat64(this.len - 8, v, this.le);
    return this;
  }
  raw(b: Uint8Array): this {
    const at = this.grow(b.length); // grow may replace this.buf
    this.buf.set(b, at);
    return this;
  }
  /** Overwrites a u32 already written (frame sizes, patched after the content). */
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0, this.le);
  }

  string(s: string | null): this {
    if (s === null) return this.u32(0xffffffff);
    this.u32(s.length * 2);
    const at = this.grow(s.length * 2);
    for (let i = 0; i < s.length; i++) this.view.setUint16(at + i * 2, s.charCodeAt(i), this.le);
    return this;
  }
  byteArray(b: Uint8Array | null): this {
    if (b === null) return this.u32(0xffffffff);
    return this.u32(b.length).raw(b);
  }
  latin1(s: string | null): this {
    return this.byteArray(s === null ? null : fromLatin1(s));
  }
  cstring(s: string): this {
    const b = fromLatin1(s);
    this.u32(b.length + 1).raw(b);
    return this.u8(0);
  }
}

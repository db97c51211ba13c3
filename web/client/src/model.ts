// A model replica (protocol §9): the adapter's two properties (availableRoles, roleNames), the
// root size, and rows fetched lazily for a window the application chooses (e.g. the visible
// rows of a list). Flat (list/table) models at the root; rows are cached by index.

import { toPlain } from './codec.js';
import { Emitter } from './emitter.js';
import type { Packet } from './packets.js';
import { PacketType } from './packets.js';
import type { ReplicaLink } from './replica.js';
import { ReplicaState } from './replica.js';
import { QValue } from './types.js';

export interface ModelOptions {
  /** Roles to fetch, by name or id; default: every available role. */
  roles?: Array<string | number>;
  /** Rows fetched initially and kept fresh (setWindow changes it). Default 0..100. */
  window?: { first: number; count: number };
}

export interface ModelEvents {
  state: (state: ReplicaState, old: ReplicaState) => void;
  /** Row count known or changed (first load, reset, insert, remove). */
  reset: (rowCount: number) => void;
  /** Rows first..last now have (new) data in the cache. */
  rows: (first: number, last: number) => void;
  inserted: (first: number, last: number) => void;
  removed: (first: number, last: number) => void;
}

const enum Method {
  Size = 0,
  Rows = 1,
  SetData = 4,
}

const enum Signal {
  DataChanged = 1,
  RowsInserted = 2,
  RowsRemoved = 3,
  RowsMoved = 4,
  ModelReset = 6,
  LayoutChanged = 9,
}

type IndexList = Array<{ row: number; column: number }>;
interface IndexValuePair {
  index: IndexList;
  data: QValue[];
  flags: number;
}

export class ModelReplica extends Emitter<ModelEvents> {
  private link: ReplicaLink | undefined;
  private st: ReplicaState = ReplicaState.Default;
  private roles: number[] = [];
  private names = new Map<number, string>();
  private rowsKnown = 0;
  private cols = 1;
  private cache = new Map<number, QValue[][]>();
  private win: { first: number; count: number };
  private serial = 1;
  private pending = new Map<number, (v: QValue) => void>();

  /** @internal Created by Node.acquireModel. */
  constructor(
    readonly name: string,
    private readonly options: ModelOptions,
  ) {
    super();
    this.win = options.window ?? { first: 0, count: 100 };
  }

  get state(): ReplicaState {
    return this.st;
  }
  get rowCount(): number {
    return this.rowsKnown;
  }
  get columnCount(): number {
    return this.cols;
  }
  /** Role id → name of the roles fetched. */
  get roleNames(): Map<number, string> {
    return new Map(this.roles.map((r) => [r, this.names.get(r) ?? String(r)]));
  }

  /** Whether row `row` has data in the cache. */
  hasRow(row: number): boolean {
    return this.cache.has(row);
  }

  /** A cell's value (plain JavaScript), undefined while not fetched; `role` by name or id. */
  data(row: number, role: string | number = 0, column = 0): unknown {
    const v = this.value(row, role, column);
    return v === undefined ? undefined : toPlain(v);
  }

  /** A cell's value with its exact Qt type. */
  value(row: number, role: string | number = 0, column = 0): QValue | undefined {
    const cells = this.cache.get(row);
    const r = this.roleIndex(role);
    return cells && r >= 0 ? cells[column]?.[r] : undefined;
  }

  /** One row (column 0) as an object keyed by role name; undefined while not fetched. */
  row(row: number): Record<string, unknown> | undefined {
    const cells = this.cache.get(row)?.[0];
    if (!cells) return undefined;
    const out: Record<string, unknown> = {};
    this.roles.forEach((role, i) => (out[this.names.get(role) ?? String(role)] = toPlain(cells[i])));
    return out;
  }

  /** Chooses the rows to keep fetched (e.g. the visible ones) and fetches the missing ones. */
  setWindow(first: number, count: number): void {
    this.win = { first: Math.max(0, first), count: Math.max(0, count) };
    this.fetchWindow(false);
  }

  /** Asks the source to set a cell (replicaSetData); the cache updates when dataChanged comes back. */
  setData(row: number, role: string | number, value: unknown, column = 0): boolean {
    const id = typeof role === 'number' ? role : this.roles.find((r) => this.names.get(r) === role);
    if (id === undefined) return false;
    const v = value instanceof QValue ? value : inferValue(value);
    return this.invoke(Method.SetData, [indexList(row, column), v, new QValue('int', id)]) !== undefined;
  }

  /** Resolves once the row count is known. */
  waitForValid(timeoutMs = 10000): Promise<void> {
    if (this.st === ReplicaState.Valid) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`${this.name}: timeout`)), timeoutMs);
      const off = this.on('reset', () => {
        off();
        clearTimeout(t);
        resolve();
      });
    });
  }

  // --- driven by the node -----------------------------------------------------------------

  /** @internal */
  get attached(): boolean {
    return this.link !== undefined;
  }
  /** @internal */
  attach(link: ReplicaLink): void {
    this.link = link;
  }
  /** @internal */
  detach(): void {
    this.link = undefined;
    this.pending.clear();
    this.setState(ReplicaState.Suspect);
  }

  /** @internal */
  handle(p: Packet): void {
    if (p.type === PacketType.InitPacket) {
      const available = (p.values[0]?.value as number[]) ?? [];
      const names = (p.values[1]?.value as Map<number, Uint8Array | null>) ?? new Map();
      this.names = new Map([...names].map(([k, v]) => [k, v ? new TextDecoder().decode(v) : '']));
      const wanted = this.options.roles;
      this.roles = wanted
        ? wanted.map((r) => (typeof r === 'number' ? r : [...this.names].find(([, n]) => n === r)?.[0] ?? -1)).filter((r) => available.includes(r))
        : available.slice();
      this.resetAll();
    } else if (p.type === PacketType.InvokeReplyPacket) {
      const done = this.pending.get(p.serialId);
      this.pending.delete(p.serialId);
      done?.(p.value);
    } else if (p.type === PacketType.InvokePacket && p.call === 0) {
      this.onSignal(p.index, p.args);
    }
  }

  private onSignal(index: number, args: QValue[]): void {
    const arg = (i: number) => args[i]?.value;
    const atRoot = (i: number) => Array.isArray(arg(i)) && (arg(i) as IndexList).length === 0;
    switch (index) {
      case Signal.DataChanged: {
        const top = arg(0) as IndexList;
        const bottom = arg(1) as IndexList;
        if (top?.length !== 1 || bottom?.length !== 1) return;
        const first = Math.max(top[0].row, this.win.first);
        const last = Math.min(bottom[0].row, this.win.first + this.win.count - 1);
        if (first <= last) this.fetch(first, last);
        return;
      }
      case Signal.RowsInserted:
      case Signal.RowsRemoved: {
        if (!atRoot(0)) return;
        const first = arg(1) as number;
        const last = arg(2) as number;
        const n = last - first + 1;
        const inserted = index === Signal.RowsInserted;
        this.rowsKnown += inserted ? n : -n;
        this.shiftCache(first, inserted ? n : -n);
        this.emit(inserted ? 'inserted' : 'removed', first, last);
        this.emit('reset', this.rowsKnown);
        this.fetchWindow(false);
        return;
      }
      case Signal.RowsMoved:
      case Signal.ModelReset:
      case Signal.LayoutChanged:
        this.resetAll();
        return;
      default:
        return;
    }
  }

  private shiftCache(from: number, delta: number): void {
    const next = new Map<number, QValue[][]>();
    for (const [row, cells] of this.cache) {
      if (row < from) next.set(row, cells);
      else if (delta > 0) next.set(row + delta, cells);
      else if (row >= from - delta) next.set(row + delta, cells);
    }
    this.cache = next;
  }

  private resetAll(): void {
    this.invoke(Method.Size, [new QValue('QList<ModelIndex>', [])], (size) => {
      const s = size.value as { width: number; height: number } | undefined;
      this.cols = Math.max(1, s?.width ?? 1);
      this.rowsKnown = Math.max(0, s?.height ?? 0);
      this.cache.clear();
      this.setState(ReplicaState.Valid);
      this.emit('reset', this.rowsKnown);
      this.fetchWindow(true);
    });
  }

  private fetchWindow(all: boolean): void {
    const last = Math.min(this.rowsKnown, this.win.first + this.win.count) - 1;
    let start = -1;
    for (let row = this.win.first; row <= last + 1; row++) {
      const missing = row <= last && (all || !this.cache.has(row));
      if (missing && start < 0) start = row;
      if (!missing && start >= 0) {
        this.fetch(start, row - 1);
        start = -1;
      }
    }
  }

  private fetch(first: number, last: number): void {
    const roles = new QValue('QList<int>', this.roles);
    this.invoke(Method.Rows, [indexList(first, 0), indexList(last, this.cols - 1), roles], (reply) => {
      const entries = (reply.value as { data?: IndexValuePair[] } | undefined)?.data ?? [];
      let lo = Infinity;
      let hi = -Infinity;
      for (const e of entries) {
        const at = e.index[e.index.length - 1];
        if (!at || e.index.length !== 1) continue;
        const cells = this.cache.get(at.row) ?? [];
        cells[at.column] = e.data;
        this.cache.set(at.row, cells);
        lo = Math.min(lo, at.row);
        hi = Math.max(hi, at.row);
      }
      if (lo <= hi) this.emit('rows', lo, hi);
    });
  }

  private invoke(index: number, args: QValue[], reply?: (v: QValue) => void): number | undefined {
    if (!this.link) return undefined;
    const serialId = reply ? this.serial++ : -1;
    if (!this.link.send({ type: PacketType.InvokePacket, name: this.name, call: 0, index, args, serialId, propertyIndex: -1 })) return undefined;
    if (reply) this.pending.set(serialId, reply);
    return serialId;
  }

  private roleIndex(role: string | number): number {
    if (typeof role === 'number') return this.roles.indexOf(role);
    return this.roles.findIndex((r) => this.names.get(r) === role);
  }

  private setState(next: ReplicaState): void {
    const old = this.st;
    if (next === old) return;
    this.st = next;
    this.emit('state', next, old);
  }
}

function indexList(row: number, column: number): QValue {
  return new QValue('QList<ModelIndex>', [{ row, column }]);
}

function inferValue(v: unknown): QValue {
  if (typeof v === 'boolean') return new QValue('bool', v);
  if (typeof v === 'number') return new QValue(Number.isInteger(v) ? 'int' : 'double', v);
  if (typeof v === 'bigint') return new QValue('qlonglong', v);
  return new QValue('QString', v === null || v === undefined ? null : String(v));
}

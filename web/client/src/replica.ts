// A dynamic replica (protocol §5, §6.3, §7): the definition arrives with InitDynamicPacket;
// properties are cached and updated by PropertyChangePacket; slots are called with InvokePacket
// (awaited when they return a value); READWRITE properties are written with WriteProperty;
// signals arrive as InvokePackets. States follow Qt's rule (§7.1).

import { sameValue, toPlain, toQValue } from './codec.js';
import { Emitter } from './emitter.js';
import type { ClassDef, MethodDef, Packet, PropertyDef } from './packets.js';
import { PacketType } from './packets.js';
import type { TypeRegistry } from './types.js';
import { QValue } from './types.js';

export const ReplicaState = {
  Uninitialized: 0,
  Default: 1,
  Valid: 2,
  Suspect: 3,
  SignatureMismatch: 4,
} as const;
export type ReplicaState = (typeof ReplicaState)[keyof typeof ReplicaState];

/** Events of a replica. `changed` and `signal` also fire as `changed:<property>` and `signal:<name>`. */
export interface ReplicaEvents {
  /** The state changed (Qt's stateChanged(new, old)). */
  state: (state: ReplicaState, old: ReplicaState) => void;
  /** Entered Valid with a fresh definition and values (first time and after every resync). */
  initialized: () => void;
  /** A property value changed: plain value, the exact QValue, and the previous QValue. */
  changed: (name: string, value: unknown, qvalue: QValue, old: QValue | undefined) => void;
  /** A signal arrived: its plain arguments and the exact QValues. */
  signal: (name: string, args: unknown[], qargs: QValue[]) => void;
  /** After a reconnect (Suspect → Valid): the properties whose values differ from before. */
  resync: (changed: string[]) => void;
}

/** What a replica needs from its node: the link to send packets on, if any. */
export interface ReplicaLink {
  send(p: Packet): boolean;
  readonly registry: TypeRegistry;
  readonly callTimeoutMs: number;
}

interface Pending {
  resolve: (v: QValue) => void;
  reject: (e: Error) => void;
  timer?: ReturnType<typeof setTimeout>;
}

export class CallError extends Error {
  override name = 'CallError';
}

export class DynamicReplica extends Emitter<ReplicaEvents> {
  private st: ReplicaState = ReplicaState.Uninitialized;
  private def: ClassDef | undefined;
  private values: QValue[] = [];
  private link: ReplicaLink | undefined;
  private nextSerial = 1;
  private pending = new Map<number, Pending>();
  private waiters: Array<() => void> = [];

  /** @internal Created by Node.acquireDynamic. */
  constructor(
    readonly name: string,
    private readonly reg: TypeRegistry,
  ) {
    super();
  }

  /** Uninitialized, Valid, Suspect... (ReplicaState). */
  get state(): ReplicaState {
    return this.st;
  }
  /** Valid or Suspect: the definition and values are known (possibly stale when Suspect). */
  get isInitialized(): boolean {
    return this.st === ReplicaState.Valid || this.st === ReplicaState.Suspect;
  }
  /** The interface definition received from the source, once initialized. */
  get definition(): ClassDef | undefined {
    return this.def;
  }
  /** Property names in API order. */
  get propertyNames(): string[] {
    return this.def?.properties.map((p) => p.name) ?? [];
  }
  /** Method (slot) names in API order. */
  get methodNames(): string[] {
    return this.def?.methods.map((m) => m.name) ?? [];
  }
  /** Signal names in API order. */
  get signalNames(): string[] {
    return this.def?.signals.map((s) => s.name) ?? [];
  }

  /** Resolves once the replica is Valid (immediately if it is); rejects after `timeoutMs`. */
  waitForValid(timeoutMs = 10000): Promise<void> {
    if (this.st === ReplicaState.Valid) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== done);
        reject(new Error(`${this.name}: timeout`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }

  /** A property's value as plain JavaScript (undefined before init or if unknown). */
  get(name: string): unknown {
    const v = this.value(name);
    return v === undefined ? undefined : toPlain(v);
  }

  /** A property's value with its exact Qt type. */
  value(name: string): QValue | undefined {
    const i = this.propertyIndex(name);
    return i < 0 ? undefined : this.values[i];
  }

  /** All properties as plain JavaScript. */
  properties(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.def?.properties.forEach((p, i) => (out[p.name] = toPlain(this.values[i])));
    return out;
  }

  /**
   * Writes a property (WriteProperty, §5.3). Meant for READWRITE properties; the host ignores
   * writes to others. The cached value changes only when the host's change comes back.
   * Returns false when not connected.
   */
  set(name: string, value: unknown): boolean {
    const i = this.propertyIndex(name);
    if (i < 0 || !this.def) throw new Error(`${this.name}: no property ${name}`);
    const v = toQValue(this.def.properties[i].type, value, this.reg);
    return this.send({ type: PacketType.InvokePacket, name: this.name, call: 2, index: i, args: [v], serialId: -1, propertyIndex: -1 });
  }

  /**
   * Calls a slot. `method` is a name ("reset") or a full signature ("reset(int)") for overloads.
   * Arguments are converted to the declared parameter types (pass QValues for exact control).
   * Resolves with the plain return value (undefined for void slots, right after sending).
   * Rejects when not connected, on disconnect before the reply, or after the call timeout.
   */
  async call(method: string, ...args: unknown[]): Promise<unknown> {
    const v = await this.invoke(method, ...args);
    return v.isValid ? toPlain(v) : undefined;
  }

  /** Like call, resolving with the exact QValue (QValue.invalid for void slots). */
  invoke(method: string, ...args: unknown[]): Promise<QValue> {
    const def = this.def;
    if (!def) return Promise.reject(new CallError(`${this.name}: not initialized`));
    const index = findMethod(def.methods, method, args.length);
    if (index < 0) return Promise.reject(new CallError(`${this.name}: no slot ${method}`));
    const m = def.methods[index];
    const qargs = m.parameterTypes.map((t, i) => toQValue(t, args[i], this.reg));
    const wantsReply = !!m.returnType && m.returnType !== 'void';
    const serialId = wantsReply ? this.allocateSerial() : -1;
    // Registered before sending: a transport may deliver the reply synchronously.
    const reply = new Promise<QValue>((resolve, reject) => {
      const p: Pending = { resolve, reject };
      const timeout = this.link?.callTimeoutMs ?? 0;
      if (wantsReply && timeout > 0) {
        p.timer = setTimeout(() => {
          this.pending.delete(serialId);
          reject(new CallError(`${this.name}.${m.name}: timeout`));
        }, timeout);
      }
      if (wantsReply) this.pending.set(serialId, p);
    });
    if (!this.send({ type: PacketType.InvokePacket, name: this.name, call: 0, index, args: qargs, serialId, propertyIndex: -1 })) {
      this.settle(serialId);
      return Promise.reject(new CallError(`${this.name}: not connected`));
    }
    return wantsReply ? reply : Promise.resolve(QValue.invalid);
  }

  /** Listens to one signal by name; returns the remover. */
  onSignal(name: string, fn: (...args: unknown[]) => void): () => void {
    return this.on(`signal:${name}`, fn);
  }
  /** Listens to one property's changes; returns the remover. */
  onChanged(name: string, fn: (value: unknown, qvalue: QValue) => void): () => void {
    return this.on(`changed:${name}`, fn);
  }

  // --- driven by the node -----------------------------------------------------------------

  /** @internal The node found the source on a connection and sent AddObject. */
  attach(link: ReplicaLink): void {
    this.link = link;
  }

  /** @internal The connection dropped or the source was removed. */
  detach(reason: string): void {
    this.link = undefined;
    for (const [serial, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      this.pending.delete(serial);
      p.reject(new CallError(`${this.name}: ${reason}`));
    }
    this.setState(ReplicaState.Suspect);
  }

  /** @internal */
  get attached(): boolean {
    return this.link !== undefined;
  }

  /** @internal A packet addressed to this replica's name. */
  handle(p: Packet): void {
    switch (p.type) {
      case PacketType.InitDynamicPacket:
        this.initialize(p.definition, p.values);
        break;
      case PacketType.InitPacket:
        if (this.def) this.initialize(this.def, p.values);
        break;
      case PacketType.PropertyChangePacket:
        this.applyChange(p.index, p.value);
        break;
      case PacketType.InvokePacket:
        if (p.call === 0) this.dispatchSignal(p.index, p.args);
        break;
      case PacketType.InvokeReplyPacket:
        this.settle(p.serialId)?.resolve(p.value);
        break;
      case PacketType.RemoveObject:
        this.setState(ReplicaState.Suspect);
        break;
      default:
        break;
    }
  }

  private initialize(def: ClassDef, values: QValue[]): void {
    const wasSuspect = this.st === ReplicaState.Suspect;
    const before = this.def ? new Map(this.def.properties.map((p, i) => [p.name, this.values[i]])) : undefined;
    this.def = def;
    this.values = def.properties.map((_, i) => values[i] ?? QValue.invalid);
    this.setState(ReplicaState.Valid);
    this.emit('initialized');
    const changed: string[] = [];
    def.properties.forEach((prop, i) => {
      const old = before?.get(prop.name);
      if (old && sameValue(old, this.values[i], this.reg)) return;
      changed.push(prop.name);
      this.emitChange(prop, this.values[i], old);
    });
    if (wasSuspect) this.emit('resync', changed);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private applyChange(index: number, value: QValue): void {
    const prop = this.def?.properties[index];
    if (!prop) return;
    const old = this.values[index];
    this.values[index] = value;
    this.emitChange(prop, value, old);
  }

  private emitChange(prop: PropertyDef, value: QValue, old: QValue | undefined): void {
    const plain = toPlain(value);
    this.emit('changed', prop.name, plain, value, old);
    this.emit(`changed:${prop.name}`, plain, value);
  }

  private dispatchSignal(index: number, args: QValue[]): void {
    const sig = this.def?.signals[index];
    if (!sig) return;
    // Qt may send stale extra arguments (§15.1): keep only the declared ones.
    let qargs = args.slice(0, sig.parameterTypes.length);
    if (qargs.length < sig.parameterTypes.length) {
      const prop = this.def?.properties.findIndex((p) => p.notify === sig.signature) ?? -1;
      if (prop >= 0 && sig.parameterTypes.length === 1) qargs = [this.values[prop]];
    }
    const plain = qargs.map(toPlain);
    this.emit('signal', sig.name, plain, qargs);
    this.emit(`signal:${sig.name}`, ...plain);
  }

  private setState(next: ReplicaState): void {
    const old = this.st;
    // Qt applies only "greater" states, except that anything may follow Suspect (§7.1).
    if (next === old || (next < old && old !== ReplicaState.Suspect)) return;
    this.st = next;
    this.emit('state', next, old);
  }

  private send(p: Packet): boolean {
    return this.link ? this.link.send(p) : false;
  }

  /** Forgets a pending call (and its timer); returns it. */
  private settle(serial: number): Pending | undefined {
    const p = this.pending.get(serial);
    this.pending.delete(serial);
    if (p?.timer) clearTimeout(p.timer);
    return p;
  }

  private allocateSerial(): number {
    const s = this.nextSerial;
    this.nextSerial = s >= 0x7fffffff ? 1 : s + 1;
    return s;
  }

  private propertyIndex(name: string): number {
    return this.def ? this.def.properties.findIndex((p) => p.name === name) : -1;
  }
}

function findMethod(methods: MethodDef[], method: string, argc: number): number {
  if (method.includes('(')) return methods.findIndex((m) => m.signature === method);
  const exact = methods.findIndex((m) => m.name === method && m.parameterTypes.length === argc);
  return exact >= 0 ? exact : methods.findIndex((m) => m.name === method);
}

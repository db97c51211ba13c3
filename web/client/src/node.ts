// The node: connections to hosts (protocol §2.4), the replicas acquired over them, reconnect
// with backoff (§7.2), and the registry (§8) to find a source's host by name.

import { Emitter } from './emitter.js';
import { ModelReplica } from './model.js';
import type { ModelOptions } from './model.js';
import type { ObjectInfo, Packet } from './packets.js';
import { FrameSplitter, PROTOCOL_VERSION, PacketType, decodePacket, encodeClientPacket } from './packets.js';
import { DynamicReplica } from './replica.js';
import type { ReplicaLink } from './replica.js';
import type { Connector, Transport } from './transport.js';
import { webSocketConnector } from './transport.js';
import { TypeRegistry } from './types.js';

export interface NodeOptions {
  /** Connectors by URL scheme ("ws", "wss", "tcp", "local"...). ws/wss default to the global WebSocket. */
  transports?: Record<string, Connector>;
  /** First reconnect delay (Qt retries every 250 ms); doubled per failure up to maxReconnectMs. 0 disables reconnecting. */
  reconnectMs?: number;
  maxReconnectMs?: number;
  /** Rejects awaited slot calls without a reply after this long (0 = never). Default 30000. */
  callTimeoutMs?: number;
  /** Sends a Ping this often per connection and drops the connection when no Pong came back (0 = off). */
  heartbeatMs?: number;
  /** Largest frame accepted from a peer. Default 64 MiB. */
  maxFrameBytes?: number;
}

export interface NodeEvents {
  /** A connection completed its handshake. */
  connected: (url: string) => void;
  /** A connection was lost (it will be retried unless closed). */
  disconnected: (url: string, reason: string) => void;
  /** The host's source list changed (ObjectList). */
  objects: (url: string, objects: ObjectInfo[]) => void;
  /** A replica was acquired (the registry connects to its host when it knows it). */
  acquired: (name: string) => void;
  /** Protocol trouble: a malformed frame (dropped), a failed connect attempt. */
  error: (url: string, error: Error) => void;
}

/** Anything that receives packets by object name (dynamic replicas, model replicas). */
export interface Attachable {
  readonly name: string;
  readonly attached: boolean;
  attach(link: ReplicaLink): void;
  detach(reason: string): void;
  handle(p: Packet): void;
}

class Connection implements ReplicaLink {
  transport: Transport | undefined;
  handshaken = false;
  objects = new Map<string, ObjectInfo>();
  closed = false;
  delay: number;
  retryTimer: ReturnType<typeof setTimeout> | undefined;
  heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  pingOutstanding = false;
  splitter: FrameSplitter;

  constructor(
    readonly url: string,
    readonly node: Node,
  ) {
    this.delay = node.options.reconnectMs;
    this.splitter = new FrameSplitter(node.options.maxFrameBytes);
  }

  get registry(): TypeRegistry {
    return this.node.types;
  }
  get callTimeoutMs(): number {
    return this.node.options.callTimeoutMs;
  }

  send(p: Packet): boolean {
    if (!this.transport || !this.handshaken) return false;
    this.transport.send(encodeClientPacket(p, this.node.types));
    return true;
  }
}

type Resolved = Required<Omit<NodeOptions, 'transports'>> & { transports: Record<string, Connector> };

export class Node extends Emitter<NodeEvents> {
  /** The node's type registry: gadgets and enums from received definitions, and your own. */
  readonly types = new TypeRegistry();
  /** @internal */
  readonly options: Resolved;
  private connections = new Map<string, Connection>();
  private replicas = new Map<string, Attachable>();

  constructor(options: NodeOptions = {}) {
    super();
    const ws = webSocketConnector();
    this.options = {
      reconnectMs: options.reconnectMs ?? 250,
      maxReconnectMs: options.maxReconnectMs ?? 5000,
      callTimeoutMs: options.callTimeoutMs ?? 30000,
      heartbeatMs: options.heartbeatMs ?? 0,
      maxFrameBytes: options.maxFrameBytes ?? 64 * 1024 * 1024,
      transports: { ws, wss: ws, ...options.transports },
    };
  }

  /**
   * Connects to a host ("ws://host:port/path?token=…", "tcp://127.0.0.1:9999", "local:name" in
   * Node.js). Resolves after the handshake; with reconnecting enabled a first failure is retried
   * in the background and the promise waits for it. Connecting twice to one URL is a no-op.
   */
  connect(url: string): Promise<void> {
    let c = this.connections.get(url);
    const fresh = !c;
    if (!c) {
      c = new Connection(url, this);
      this.connections.set(url, c);
    }
    if (c.handshaken) return Promise.resolve();
    const conn = c;
    // Listeners first: dial() may fail synchronously (no transport for the scheme).
    const done = new Promise<void>((resolve, reject) => {
      const offOk = this.on('connected', (u) => {
        if (u !== url) return;
        offOk();
        offErr();
        resolve();
      });
      const offErr = this.on('error', (u, e) => {
        if (u !== url || (this.options.reconnectMs > 0 && !conn.closed)) return;
        offOk();
        offErr();
        reject(e);
      });
    });
    if (fresh) this.dial(conn);
    return done;
  }

  /** Closes every connection; replicas go Suspect and calls in flight fail. */
  close(): void {
    for (const c of this.connections.values()) this.drop(c, 'node closed', true);
    this.connections.clear();
  }

  /** Closes one connection (no reconnect). */
  disconnect(url: string): void {
    const c = this.connections.get(url);
    if (!c) return;
    this.drop(c, 'disconnected', true);
    this.connections.delete(url);
  }

  /** The sources known on every connection (from ObjectList). */
  get objects(): ObjectInfo[] {
    return [...this.connections.values()].flatMap((c) => [...c.objects.values()]);
  }

  /**
   * A dynamic replica of the source `name`: it attaches as soon as a connected host lists the
   * name, and re-attaches after every reconnect. Acquiring a name twice returns the same replica.
   */
  acquireDynamic(name: string): DynamicReplica {
    const existing = this.replicas.get(name);
    if (existing instanceof DynamicReplica) return existing;
    const r = new DynamicReplica(name, this.types);
    this.adopt(r);
    return r;
  }

  /** A replica of a model exposed under `name` (protocol §9), with a lazily fetched window of rows. */
  acquireModel(name: string, options: ModelOptions = {}): ModelReplica {
    const existing = this.replicas.get(name);
    if (existing instanceof ModelReplica) return existing;
    const m = new ModelReplica(name, options);
    this.adopt(m);
    return m;
  }

  /** @internal Names of the acquired replicas. */
  get acquired(): string[] {
    return [...this.replicas.keys()];
  }

  /** @internal Takes a replica-like object (the registry's) under management. */
  adopt(r: Attachable): void {
    this.replicas.set(r.name, r);
    this.emit('acquired', r.name);
    for (const c of this.connections.values()) {
      if (c.handshaken && c.objects.has(r.name)) return this.attach(r, c);
    }
  }

  private attach(r: Attachable, c: Connection): void {
    if (r.attached) return;
    r.attach(c);
    c.send({ type: PacketType.AddObject, name: r.name, isDynamic: r instanceof DynamicReplica });
  }

  private dial(c: Connection): void {
    const scheme = c.url.slice(0, c.url.indexOf(':'));
    const connector = this.options.transports[scheme];
    if (!connector) {
      c.closed = true;
      this.emit('error', c.url, new Error(`no transport for ${scheme}: URLs`));
      return;
    }
    connector(c.url).then(
      (t) => {
        if (c.closed) return t.close();
        c.transport = t;
        c.splitter.reset();
        t.ondata = (data) => this.receive(c, data);
        t.onclose = (reason) => this.lost(c, reason);
      },
      (e: Error) => {
        this.emit('error', c.url, e);
        this.scheduleRetry(c);
      },
    );
  }

  private scheduleRetry(c: Connection): void {
    if (c.closed || this.options.reconnectMs <= 0) return;
    const delay = c.delay;
    c.delay = Math.min(c.delay * 2, this.options.maxReconnectMs);
    c.retryTimer = setTimeout(() => {
      c.retryTimer = undefined;
      if (!c.closed) this.dial(c);
    }, delay);
  }

  private lost(c: Connection, reason: string): void {
    const was = c.handshaken;
    this.drop(c, reason, false);
    if (was) this.emit('disconnected', c.url, reason);
    this.scheduleRetry(c);
  }

  private drop(c: Connection, reason: string, final: boolean): void {
    if (final) c.closed = true;
    if (c.retryTimer) clearTimeout(c.retryTimer);
    if (c.heartbeatTimer) clearInterval(c.heartbeatTimer);
    c.retryTimer = c.heartbeatTimer = undefined;
    const t = c.transport;
    c.transport = undefined;
    c.handshaken = false;
    c.objects.clear();
    if (t) {
      t.onclose = () => {};
      t.ondata = () => {};
      t.close();
    }
    for (const r of this.replicas.values()) if (r.attached && this.linkOf(r) === c) r.detach(reason);
  }

  private linkOf(r: Attachable): ReplicaLink | undefined {
    return (r as unknown as { link?: ReplicaLink }).link;
  }

  private receive(c: Connection, data: Uint8Array): void {
    let frames: Uint8Array[];
    try {
      frames = c.splitter.push(data);
    } catch (e) {
      this.emit('error', c.url, e as Error);
      return this.lost(c, (e as Error).message);
    }
    for (const f of frames) {
      if (!c.transport) return;
      let p: Packet;
      try {
        p = decodePacket(f, this.types);
      } catch (e) {
        // Parsed within the frame boundary: drop this frame only (§2.2).
        this.emit('error', c.url, e as Error);
        continue;
      }
      this.dispatch(c, p);
    }
  }

  private dispatch(c: Connection, p: Packet): void {
    if (!c.handshaken) {
      if (p.type !== PacketType.Handshake || p.name !== PROTOCOL_VERSION) {
        this.emit('error', c.url, new Error('protocol mismatch'));
        c.closed = true;
        return this.lost(c, 'protocol mismatch');
      }
      c.handshaken = true;
      c.delay = this.options.reconnectMs;
      this.startHeartbeat(c);
      this.emit('connected', c.url);
      return;
    }
    if (p.type === PacketType.ObjectList) {
      for (const o of p.objects) c.objects.set(o.name, o);
      this.emit('objects', c.url, p.objects);
      for (const o of p.objects) {
        const r = this.replicas.get(o.name);
        if (r) this.attach(r, c);
      }
      return;
    }
    if (p.type === PacketType.Pong) {
      c.pingOutstanding = false;
      return;
    }
    if (p.type === PacketType.Handshake || p.type === PacketType.AddObject || p.type === PacketType.Ping) return;
    const r = this.replicas.get(p.name);
    if (r && this.linkOf(r) === c) {
      if (p.type === PacketType.RemoveObject) r.detach('source removed');
      else r.handle(p);
    }
  }

  private startHeartbeat(c: Connection): void {
    if (this.options.heartbeatMs <= 0) return;
    c.pingOutstanding = false;
    c.heartbeatTimer = setInterval(() => {
      if (c.pingOutstanding) return this.lost(c, 'heartbeat timeout');
      c.pingOutstanding = true;
      const name = [...this.replicas.keys()][0] ?? '';
      c.send({ type: PacketType.Ping, name });
    }, this.options.heartbeatMs);
  }
}

// Transports carry the QtRO byte stream. Browsers use WebSocket (binary messages, boundaries
// meaningless, protocol §13.3); Node.js adds TCP and Unix sockets (node-transports.ts).

/** An open byte stream to a peer. The node sets the callbacks right after connecting. */
export interface Transport {
  send(data: Uint8Array): void;
  close(): void;
  ondata: (data: Uint8Array) => void;
  onclose: (reason: string) => void;
}

/** Opens a transport to a URL; resolves once it is open, rejects if it cannot be opened. */
export type Connector = (url: string) => Promise<Transport>;

/** The subset of the WebSocket API doppel needs (browsers' WebSocket, or the `ws` package's). */
export interface WebSocketLike {
  binaryType: string;
  readyState: number;
  send(data: Uint8Array): void;
  close(): void;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code?: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

/**
 * A Connector for ws:// and wss:// URLs. `ctor` defaults to the global WebSocket (browsers,
 * Node.js 22+); on Node.js 18/20 pass the `ws` package's WebSocket.
 */
export function webSocketConnector(ctor?: WebSocketConstructor): Connector {
  return (url) =>
    new Promise((resolve, reject) => {
      const Ctor = ctor ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
      if (!Ctor) return reject(new Error('no WebSocket class'));
      let opened = false;
      const ws = new Ctor(url);
      ws.binaryType = 'arraybuffer';
      // The first message can arrive in the same tick as "open", before the node has set its
      // handler (a microtask after resolve): keep it and hand it over right after.
      const early: Uint8Array[] = [];
      const t: Transport = {
        send: (data) => ws.send(data),
        close: () => ws.close(),
        ondata: (d) => early.push(d),
        onclose: () => {},
      };
      ws.onopen = () => {
        opened = true;
        resolve(t);
        Promise.resolve().then(() => early.splice(0).forEach((d) => t.ondata(d)));
      };
      ws.onmessage = (ev) => {
        const d = ev.data;
        if (d instanceof ArrayBuffer) t.ondata(new Uint8Array(d));
        else if (ArrayBuffer.isView(d)) t.ondata(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
      };
      // An error before opening fails the connect; after opening only the close event counts.
      const ended = (ev: unknown) => {
        const why = `(${(ev as { code?: number })?.code ?? ''})`;
        if (!opened) reject(new Error(`cannot connect to ${url} ${why}`));
        else if (ev && 'code' in (ev as object)) t.onclose(`closed ${why}`);
      };
      ws.onerror = ended;
      ws.onclose = ended;
    });
}

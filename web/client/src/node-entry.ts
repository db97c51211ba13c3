// doppel.js for Node.js: the browser API plus TCP/Unix/ws transports and the wire-level codec.
export * from './index.js';
export { createNode, nodeTransports, tcpConnector, localConnector } from './node-transports.js';
export { encodeVariant, decodeVariant, encodePayload, decodePayload } from './codec.js';
export { FrameSplitter, PROTOCOL_VERSION, decodePacket, encodeClientPacket, readDefinition, parseSignature } from './packets.js';
export { encodePacket, writeDefinition } from './host-packets.js';
export type { Packet } from './packets.js';
export { Reader, Writer, toHex, fromHex } from './stream.js';
export { QRO, QSQ, QAS, builtinNames, builtinId } from './types.js';
export { useRegistry } from './registry.js';

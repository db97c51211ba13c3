// doppel.js: a Qt Remote Objects (QtRO 2.0) client. This entry point is the browser bundle
// (dist/doppel.js); the Node.js entry (dist/node.js, "doppel-js/node") exports the same API
// plus TCP/Unix/ws transports and the wire-level codec (Reader, Writer, packets).
export { Node } from './node.js';
export type { NodeEvents, NodeOptions } from './node.js';
export { DynamicReplica, ReplicaState, CallError } from './replica.js';
export type { ReplicaEvents } from './replica.js';
export { ModelReplica } from './model.js';
export type { ModelEvents, ModelOptions } from './model.js';
export { QValue, TypeRegistry, normalizeType } from './types.js';
export type { EnumDef, Field, GadgetDef, TypeInfo } from './types.js';
export { toQValue, inferQValue, toPlain, variantBytes, sameValue } from './codec.js';
export type { Rect, Point, Size, Line, DateTime, BitArray, Color, SubObject, OpaqueContainer } from './codec.js';
export type { ClassDef, MethodDef, PropertyDef, ObjectInfo } from './packets.js';
export { DecodeError } from './stream.js';
export { webSocketConnector } from './transport.js';
export type { Connector, Transport, WebSocketLike, WebSocketConstructor } from './transport.js';

/** The relay connection: protobuf frames over one WebSocket, typed errors, reconnect and keep-alive. */
export { RelayError, isRelayError, relayErrorKinds, relayErrorKindOf, type RelayErrorKind } from './relay-error';
export { RelaySocket, type RequestCase, type RequestInit, type ResponseOf } from './relay-socket';
export { RelayConnection, type ConnectionStatus, type ConnectionStateName, type DeviceCredentials, type RelayConnectionListener, type RelayConnectionOptions } from './relay-connection';
export { AnonymousSender } from './anonymous-sender';

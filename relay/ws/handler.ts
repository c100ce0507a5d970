import type { MessageInitShape } from '@bufbuild/protobuf';
import type { Request, ResponseSchema } from '../../shared/proto/gen/hearth/v1/relay_pb';
import type { RelayContext } from '../context';
import type { AccountRecord, PrekeyCounts } from '../store/types';

type RequestBody = Exclude<Request['body'], { case: undefined }>;
type ResponseBodyInit = Exclude<MessageInitShape<typeof ResponseSchema>['body'], { case: undefined } | undefined>;

export type RequestCase = RequestBody['case'];
export type RequestOf<C extends RequestCase> = Extract<RequestBody, { case: C }>['value'];
export type ResponseOf<C extends RequestCase> = Extract<ResponseBodyInit, { case: C }>['value'];

/** The device a connection is authenticated as. */
export interface Session {
  readonly account: AccountRecord;
  readonly deviceId: number;
}

/** What a request handler may see and do about its connection. */
export interface ConnectionHandle {
  readonly id: string;
  readonly session: Session | undefined;
  /**
   * Marks the connection authenticated; deliveries start once the response is
   * sent, preceded by a prekeys-low notice when `prekeys` is below the threshold.
   */
  authenticate(session: Session, prekeys: PrekeyCounts): void;
  /** Tells this connection's delivery that these envelope ids are acked. */
  acked(ids: readonly Uint8Array[]): void;
}

export interface HandlerContext {
  readonly relay: RelayContext;
  readonly connection: ConnectionHandle;
}

export type Handler<C extends RequestCase> = (request: RequestOf<C>, context: HandlerContext) => Promise<ResponseOf<C>>;
export type Handlers = { readonly [C in RequestCase]: Handler<C> };

import type { Handlers } from '../handler';
import { addDevice, authenticate, lookup, register, removeDevice } from './accounts';
import { createAttachment } from './attachments';
import { ack, send } from './envelopes';
import { getBundles, prekeyCount, uploadPrekeys } from './prekeys';
import { ping, senderCertificate, serverInfo } from './server';

/** One handler per request kind; the type makes a missing one a compile error. */
export const handlers: Handlers = {
  ping,
  serverInfo,
  register,
  authenticate,
  addDevice,
  removeDevice,
  lookup,
  uploadPrekeys,
  prekeyCount,
  getBundles,
  send,
  ack,
  senderCertificate,
  createAttachment,
};

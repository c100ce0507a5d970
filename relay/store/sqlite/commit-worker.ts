import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { MailboxWriter } from './mailbox-writer';
import { openDatabase } from './open';
import { unpackWriteOps } from './write-batch';
import { Scrubber, type WorkerReply, type WorkerRequest } from './writer-port';

/**
 * The mailbox writer's thread: its own connection to the relay's SQLite file,
 * so each commit's fsync waits here and not on the relay's event loop.
 * Requests are handled one at a time, in order.
 */
const port = parentPort;
if (!port) throw new Error('commit-worker runs as a worker thread.');
const { file } = workerData as { file: string };
const db: Database.Database = openDatabase(file);
const writer = new MailboxWriter(db);
const scrubber = new Scrubber(writer);

function handle(request: WorkerRequest): unknown {
  switch (request.call) {
    case 'commit': {
      const result = writer.commit(unpackWriteOps(request.ops), request.now);
      scrubber.deleted(result.deleted);
      return result;
    }
    case 'sweep': {
      const expired = writer.sweep(request.now);
      scrubber.deleted(expired);
      return expired;
    }
    case 'deleteMailbox': {
      const deleted = writer.deleteMailbox(request.address);
      scrubber.deleted(deleted);
      return deleted;
    }
    case 'close':
      scrubber.run();
      db.close();
      return null;
  }
}

port.on('message', ({ id, request }: { id: number; request: WorkerRequest }) => {
  let reply: WorkerReply;
  try {
    reply = { id, ok: true, value: handle(request) };
  } catch (error) {
    reply = { id, ok: false, error: error instanceof Error ? error.constructor.name : 'unknown' };
  }
  port.postMessage(reply);
});
port.postMessage('ready');

import type { Server } from 'node:http';
import { HearthError } from '../../shared/api';

export const LOOPBACK = '127.0.0.1';
export const DEFAULT_PORT = 7610;

/**
 * Binds to the loopback interface only. `port` undefined means "the usual
 * port, or any free one if it is busy"; an explicit port (HEARTH_PORT) is
 * taken literally, because whoever set it expects to find Hearth there.
 * Port 0 asks the OS for any free port.
 */
export async function listenOnLoopback(server: Server, port: number | undefined): Promise<number> {
  if (port !== undefined) {
    try {
      return await listen(server, port);
    } catch (error) {
      if (errorCode(error) === 'EADDRINUSE') throw new HearthError('unavailable', `Port ${port} on ${LOOPBACK} is already in use; set HEARTH_PORT to a free port, or leave it unset to let Hearth choose one.`);
      if (errorCode(error) === 'EACCES') throw new HearthError('unavailable', `Hearth may not listen on port ${port}; set HEARTH_PORT to a port above 1023.`);
      throw error;
    }
  }
  try {
    return await listen(server, DEFAULT_PORT);
  } catch (error) {
    if (errorCode(error) !== 'EADDRINUSE') throw error;
    return listen(server, 0);
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new HearthError('internal', 'The host is not listening on a TCP port.'));
      else resolve(address.port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: LOOPBACK, port, exclusive: true });
  });
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

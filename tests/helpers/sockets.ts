import type { Socket as ClientSocket } from 'socket.io-client';

/** Resolves with the reason when the server ends this socket ('already' if it is not connected); rejects after timeoutMs. */
export function disconnected(socket: ClientSocket, timeoutMs = 1000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (!socket.connected) return resolve('already');
    const timer = setTimeout(() => reject(new Error('still connected')), timeoutMs);
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

import { createServer } from 'node:net';

/**
 * A TCP port free on loopback now, for a server started next to the fake GitHub (the app, Redis).
 * Another process may take it before it is used; on loopback in a test or the demo that is rare.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

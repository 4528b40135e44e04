/**
 * A stand-in for the app's webhook endpoint, for tests of how GitHub (the fake) delivers and
 * redelivers: it records every request and answers each with the status a test queued.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  headers: IncomingMessage['headers'];
  body: string;
}

export interface WebhookReceiver {
  /** Where to deliver, at `path`. */
  url: string;
  /** Every request received, in order. */
  received: ReceivedRequest[];
  /** The statuses of the next answers, in order; 200 once none is left. */
  answers: number[];
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port; its URL ends in `path`. */
export async function startReceiver(path = '/api/github/webhooks'): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const answers: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(answers.shift() ?? 200, { 'content-type': 'text/plain' });
      res.end('handled');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    received,
    answers,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

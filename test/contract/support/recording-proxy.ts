import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as it reached the proxy, and the answer it got. */
export interface Exchange {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  status: number;
  answer: unknown;
}

function parse(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A proxy in front of `target` that keeps every exchange, so a test sees what the SDK really sent and got. */
export async function startRecordingProxy(target: string): Promise<{ url: string; exchanges: Exchange[]; stop(): Promise<void> }> {
  const exchanges: Exchange[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const sent = Buffer.concat(chunks);
      const forward = httpRequest(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const back: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => back.push(chunk));
          answer.on('end', () => {
            const received = Buffer.concat(back);
            const url = new URL(req.url ?? '/', 'http://proxy');
            exchanges.push({
              method: req.method ?? 'GET',
              path: url.pathname,
              query: url.searchParams,
              body: parse(sent.toString('utf8')),
              status: answer.statusCode ?? 0,
              answer: parse(received.toString('utf8')),
            });
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(received);
          });
        },
      );
      forward.on('error', () => res.destroy());
      forward.end(sent);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

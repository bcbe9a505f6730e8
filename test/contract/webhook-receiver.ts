import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: Record<string, string>;
  body: string;
  /** The parsed body. */
  event: { type: string; data: Record<string, unknown> } & Record<string, unknown>;
}

/** A tiny HTTP endpoint for the emulator's webhooks: it records each delivery and answers from a script (then 200). */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private script: number[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/webhooks/clerk`);
    server.on('request', (req, res) => {
      void receiver.record(req).then((status) => res.writeHead(status).end());
    });
    return receiver;
  }

  /** The next answers, in order; 200 once they are used up. */
  answer(...statuses: number[]): void {
    this.script.push(...statuses);
  }

  clear(): void {
    this.received.length = 0;
    this.script = [];
  }

  /** A Fetch `Request` of one delivery, as a framework would hand it to `verifyWebhook`. */
  request(delivery: ReceivedWebhook): Request {
    return new Request(this.url, { method: 'POST', headers: delivery.headers, body: delivery.body });
  }

  types(): string[] {
    return this.received.map((r) => r.event.type);
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async record(req: IncomingMessage): Promise<number> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = Object.fromEntries(Object.entries(req.headers).filter((e): e is [string, string] => typeof e[1] === 'string'));
    this.received.push({ headers, body, event: JSON.parse(body) as ReceivedWebhook['event'] });
    return this.script.shift() ?? 200;
  }
}

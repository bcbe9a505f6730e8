import type { INestApplication } from '@nestjs/common';
import type { Server, ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type pg from 'pg';

/** Shapes that are secret wherever they appear, whichever test put them there. */
const SECRET_SHAPES: [string, RegExp][] = [
  ['bcrypt hash', /\$2[abxy]\$\d\d\$[./A-Za-z0-9]{20,}/],
  ['JWT', /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/],
  ['Clerk secret key', /sk_(test|live)_[A-Za-z0-9]{8,}/],
];

export interface Leak {
  where: string;
  what: string;
  excerpt: string;
}

/**
 * Collects what the app lets out (every HTTP response body, every log line) and, at the end, every
 * audit row, and finds in them the secrets the test registered (passwords, hashes, tokens, keys)
 * or anything shaped like one. The one sanctioned exit is the token `POST /auth/login` answers with.
 */
export class SecretWitness {
  private readonly secrets = new Set<string>();
  private readonly responses: string[] = [];
  private readonly logLines: string[] = [];

  /** The pino destination to give the app: every line it logs lands here. */
  readonly logDestination = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      this.logLines.push(chunk.toString('utf8'));
      done();
    },
  });

  secret(...values: (string | null | undefined)[]): void {
    for (const value of values) if (value && value.length >= 6) this.secrets.add(value);
  }

  /** Records every response body the app's HTTP server writes, whoever sent the request. */
  watch(app: INestApplication): void {
    const server = app.getHttpServer() as Server;
    server.prependListener('request', (req, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      const write = res.write.bind(res) as (...args: unknown[]) => boolean;
      const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
      const keep = (chunk: unknown) => {
        if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) chunks.push(Buffer.from(chunk));
      };
      res.write = ((chunk: unknown, ...rest: unknown[]) => (keep(chunk), write(chunk, ...rest))) as typeof res.write;
      res.end = ((chunk?: unknown, ...rest: unknown[]) => {
        keep(chunk);
        this.responses.push(withoutIssuedToken(req.method, req.url, res.statusCode, Buffer.concat(chunks).toString('utf8')));
        return end(chunk, ...rest);
      }) as typeof res.end;
    });
  }

  get counts(): { responses: number; logLines: number } {
    return { responses: this.responses.length, logLines: this.logLines.length };
  }

  /** Every leak in what was collected and in `audit_logs`; an empty list is the pass. */
  async leaks(pool: pg.Pool): Promise<Leak[]> {
    const audit = await pool.query<{ row: string }>('SELECT row_to_json(a)::text AS row FROM audit_logs a');
    const sources: [string, string[]][] = [
      ['response', this.responses],
      ['log', this.logLines],
      ['audit row', audit.rows.map((r) => r.row)],
    ];
    const found: Leak[] = [];
    for (const [where, texts] of sources) {
      for (const text of texts) found.push(...this.leaksIn(where, text));
    }
    return found;
  }

  private leaksIn(where: string, text: string): Leak[] {
    const found: Leak[] = [];
    for (const secret of this.secrets) {
      const at = text.indexOf(secret);
      if (at >= 0) found.push({ where, what: 'registered secret', excerpt: text.slice(Math.max(0, at - 60), at + 60) });
    }
    for (const [what, shape] of SECRET_SHAPES) {
      const match = shape.exec(text);
      if (match) found.push({ where, what, excerpt: text.slice(Math.max(0, match.index - 60), match.index + 60) });
    }
    return found;
  }
}

/** A successful login's body carries the token it issues by design; everything else in it is scanned. */
function withoutIssuedToken(method: string | undefined, url: string | undefined, status: number, body: string): string {
  if (method !== 'POST' || url !== '/auth/login' || status !== 200) return body;
  try {
    const { accessToken: _issued, ...rest } = JSON.parse(body) as Record<string, unknown>;
    return JSON.stringify(rest);
  } catch {
    return body;
  }
}

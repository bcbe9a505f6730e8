import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

type Md5 = (a: Uint8Array, b: Uint8Array) => Uint8Array;

/**
 * phpass's key stretching: md5(salt ‖ password), then `count` times md5(previous ‖ password).
 * Self-contained on purpose (no imports, no outer names): the workers run it from its source text.
 */
export function phpassStretch(salt: Uint8Array, password: Uint8Array, count: number, md5: Md5): Uint8Array {
  let hash = md5(salt, password);
  for (let i = 0; i < count; i++) hash = md5(hash, password);
  return hash;
}

export const md5Concat: Md5 = (a, b) => createHash('md5').update(a).update(b).digest();

/** The digests a stretch may run on: phpass's md5, Symfony's legacy sha512. */
export type StretchDigest = 'md5' | 'sha512';

interface StretchJob {
  salt: Uint8Array;
  password: Uint8Array;
  count: number;
  digest: StretchDigest;
  resolve: (hash: Uint8Array) => void;
  reject: (error: unknown) => void;
}

/**
 * WordPress's 8,192 md5 rounds take some 15 ms of JavaScript, and phpass allows up to 2^30 (Symfony's
 * legacy hasher, 5,000 sha512 rounds by default, is the same loop): too long for the event loop, and
 * no native binding does them. A few worker threads do instead, one job at
 * a time each; the callers' own bound (`PasswordHasher`'s slots) keeps the queue short. Workers are
 * started on first use and never keep the process alive while idle.
 */
class PhpassWorkers {
  private readonly idle: Worker[] = [];
  private readonly queue: StretchJob[] = [];
  private started = 0;
  private readonly source = `
    const { parentPort } = require('node:worker_threads');
    const { createHash } = require('node:crypto');
    const stretch = ${phpassStretch.toString()};
    parentPort.on('message', ({ salt, password, count, digest }) =>
      parentPort.postMessage(stretch(salt, password, count, (a, b) => createHash(digest).update(a).update(b).digest())));`;

  constructor(private readonly limit: number) {}

  stretch(salt: Uint8Array, password: Uint8Array, count: number, digest: StretchDigest): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ salt, password, count, digest, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const worker = this.idle.pop() ?? (this.started < this.limit ? this.start() : undefined);
      if (!worker) return;
      this.assign(worker, this.queue.shift()!);
    }
  }

  private start(): Worker {
    this.started += 1;
    return new Worker(this.source, { eval: true });
  }

  private assign(worker: Worker, job: StretchJob): void {
    worker.ref();
    const settle = (fail?: unknown) => {
      worker.off('message', onMessage).off('error', onError);
      if (fail === undefined) {
        worker.unref();
        this.idle.push(worker);
      } else {
        // A worker that failed is not trusted with another job.
        this.started -= 1;
        void worker.terminate();
      }
      this.dispatch();
    };
    const onMessage = (hash: Uint8Array) => {
      job.resolve(hash);
      settle();
    };
    const onError = (error: unknown) => {
      job.reject(error);
      settle(error ?? new Error('phpass worker failed'));
    };
    worker.on('message', onMessage).on('error', onError);
    worker.postMessage({ salt: job.salt, password: job.password, count: job.count, digest: job.digest });
  }
}

let workers: PhpassWorkers | undefined;

/** The stretching on a worker thread; as many workers as cores less one (at least one). */
export function stretchOffThread(
  salt: Uint8Array,
  password: Uint8Array,
  count: number,
  digest: StretchDigest = 'md5',
): Promise<Uint8Array> {
  workers ??= new PhpassWorkers(Math.max(1, availableParallelism() - 1));
  return workers.stretch(salt, password, count, digest);
}

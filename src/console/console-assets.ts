import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AppError, CommonErrorCode } from '../common/app-error.js';

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/**
 * The console's bundle, as `npm run build` writes it beside the compiled sources (`dist/console/`).
 * Only the files it names are served, read once and kept: they are a few kilobytes.
 */
export class ConsoleAssets {
  private readonly cache = new Map<string, ConsoleAsset>();

  constructor(readonly directory: string = fileURLToPath(new URL('../../console/', import.meta.url))) {}

  get(name: string): ConsoleAsset {
    const contentType = CONTENT_TYPES[name];
    if (!contentType) throw new AppError(404, CommonErrorCode.NotFound, `No console asset ${name}`);
    const cached = this.cache.get(name);
    if (cached) return cached;
    let body: Buffer;
    try {
      body = readFileSync(`${this.directory}/${name}`);
    } catch {
      throw new AppError(503, 'console_not_built', `The console's ${name} is missing from ${this.directory}: run npm run build`);
    }
    const asset = { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
    this.cache.set(name, asset);
    return asset;
  }
}

// Every request of the page: same origin, the caller's own credentials, errors turned into words.
import { localTimesIn } from './dom.js';

/**
 * A legacy token from the sign-in form lives only in this variable, sent as a bearer token: no
 * other site can make the browser send it (no CSRF), and closing the tab forgets it. A Clerk
 * session travels in Clerk's own `__session` cookie, which the guard honours only from this origin.
 */
let bearer: string | undefined;
let onSignedOut: (message: string) => void = () => undefined;

export function useToken(token: string | undefined): void {
  bearer = token;
}

export function whenSignedOut(handler: (message: string) => void): void {
  onSignedOut = handler;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The service did not answer: check that it is running, then try again.');
  }
  const text = await response.text();
  const json = text ? safeJson(text) : undefined;
  if (response.ok) return json as T;
  const error = (json ?? {}) as { code?: string; message?: string };
  const failure = new ApiError(response.status, error.code ?? 'http_' + response.status, inWords(response.status, error.message));
  if (response.status === 401 && path !== '/auth/login') onSignedOut(failure.message);
  throw failure;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function inWords(status: number, message: string | undefined): string {
  const said = message ? localTimesIn(message) : '';
  if (status === 401) return `Your session has ended (${said || 'not signed in'}). Sign in again.`;
  if (status === 403) return `Refused: ${said || 'this needs the admin role'}.`;
  if (status === 409) return `Not now: ${said}`;
  if (status >= 500) return `The service failed (${status}): ${said || 'no detail given'}.`;
  return said || `The request failed with status ${status}.`;
}

/** A file from the API, saved by the browser under `name`. */
export async function download(path: string, name: string): Promise<void> {
  const response = await fetch(path, { headers: bearer ? { Authorization: `Bearer ${bearer}` } : {}, credentials: 'same-origin' });
  if (!response.ok) {
    const error = safeJson(await response.text()) as { message?: string } | undefined;
    throw new ApiError(response.status, 'download_failed', inWords(response.status, error?.message));
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

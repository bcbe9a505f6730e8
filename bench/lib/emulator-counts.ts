import type { ClerkEmulator } from '../../tools/clerk-emulator/index.js';

export interface RequestTotals {
  /** Backend API requests that count against Clerk's limit (JWKS excluded, as Clerk does). */
  limited: number;
  rateLimited: number;
  byRoute: Record<string, Record<string, number>>;
}

export function requestTotals(emulator: ClerkEmulator): RequestTotals {
  const byRoute = emulator.requestCounts();
  let limited = 0;
  let rateLimited = 0;
  for (const [route, byStatus] of Object.entries(byRoute)) {
    if (route === 'GET /v1/jwks') continue;
    for (const [status, n] of Object.entries(byStatus)) {
      limited += n;
      if (status === '429') rateLimited += n;
    }
  }
  return { limited, rateLimited, byRoute };
}

export {
  ClerkEmulator,
  DEFAULT_LIVE_SECRET_KEY,
  DEFAULT_TEST_SECRET_KEY,
  DEVELOPMENT_USER_CAP,
  NO_RATE_LIMIT,
  startClerkEmulator,
  type ClerkEmulatorOptions,
} from './clerk-emulator.js';
export { EmulatorHttpError } from './emulator-errors.js';
export type { FaultConfigInput, FaultSettings } from './emulator-faults.js';
export { CLERK_RATE_LIMITS } from './emulator-rate-limiter.js';
export type { SessionTokenOptions } from './emulator-sessions.js';
export type { FaultKind, RateLimitRule, RateLimitSettings } from './emulator.types.js';
export { CLERK_ENDPOINT_LIMITS, type EndpointLimitRule, type EndpointLimitSettings } from './emulator-endpoint-limits.js';

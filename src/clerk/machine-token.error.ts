/** Why Clerk refused an API key or an M2M token: the token's fault, never Clerk's (that is a `ClerkGatewayError`). */
export enum MachineTokenErrorReason {
  /** Unknown to Clerk, malformed, badly signed, or revoked (Clerk's verify answers them all alike). */
  Invalid = 'invalid',
  Expired = 'expired',
  Revoked = 'revoked',
}

export class MachineTokenError extends Error {
  constructor(
    readonly reason: MachineTokenErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'MachineTokenError';
  }
}

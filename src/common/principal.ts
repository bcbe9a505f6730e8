export type AuthMethod = 'clerk' | 'legacy';

/**
 * The caller's own record as it stood when their token was resolved, never with the hash; it is
 * remembered with the principal (under the same 30-second rule), so `GET /users/me` needs no query.
 */
export interface PrincipalProfile {
  userId: string;
  clerkUserId: string | null;
  email: string;
  name: string;
  role: string;
  hasPassword: boolean;
  createdAt: string;
}

/** Who is calling, whichever way they signed in. Everything downstream is scoped to `userId`. */
export interface Principal {
  userId: string;
  role: string;
  authMethod: AuthMethod;
  profile: PrincipalProfile;
}

export const ADMIN_ROLE = 'admin';

export type AuthMethod = 'clerk' | 'legacy';

/** Who is calling, whichever way they signed in. Everything downstream is scoped to `userId`. */
export interface Principal {
  userId: string;
  role: string;
  authMethod: AuthMethod;
}

export const ADMIN_ROLE = 'admin';

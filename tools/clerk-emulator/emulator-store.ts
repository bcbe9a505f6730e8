import { clerkErrors } from './emulator-errors.js';
import { clerkId } from './emulator-ids.js';
import type { NewUserData, StoredInvitation, StoredUser, UserFilters } from './emulator.types.js';

/**
 * The emulator's in-memory instance state. Clerk keeps email addresses unique across the instance,
 * compared without case, and `external_id` unique too; both are enforced here.
 */
export class EmulatorStore {
  private readonly users = new Map<string, StoredUser>();
  private readonly idByEmail = new Map<string, string>();
  private readonly idByExternalId = new Map<string, string>();
  private readonly invitations = new Map<string, StoredInvitation>();

  constructor(private readonly now: () => number = Date.now) {}

  createUser(data: NewUserData): StoredUser {
    this.assertEmailsFree(data.emails);
    if (data.externalId && this.idByExternalId.has(data.externalId)) throw clerkErrors.identifierExists('external_id');
    const at = data.createdAt ?? this.now();
    const emails = data.emails.map((address) => ({
      id: clerkId('idn'),
      address: address.toLowerCase(),
      verified: data.verified ?? true,
      createdAt: at,
      updatedAt: at,
    }));
    const user: StoredUser = {
      id: clerkId('user'),
      externalId: data.externalId ?? null,
      firstName: data.firstName ?? null,
      lastName: data.lastName ?? null,
      emails,
      primaryEmailId: emails[0]?.id ?? null,
      password: data.password ?? null,
      publicMetadata: data.publicMetadata ?? {},
      privateMetadata: data.privateMetadata ?? {},
      unsafeMetadata: data.unsafeMetadata ?? {},
      createdAt: at,
      updatedAt: at,
      lastSignInAt: null,
    };
    this.index(user);
    return user;
  }

  get(id: string): StoredUser {
    const user = this.users.get(id);
    if (!user) throw clerkErrors.notFound();
    return user;
  }

  findByEmail(email: string): StoredUser | undefined {
    const id = this.idByEmail.get(email.toLowerCase());
    return id === undefined ? undefined : this.users.get(id);
  }

  update(
    id: string,
    patch: Partial<
      Pick<StoredUser, 'externalId' | 'firstName' | 'lastName' | 'password' | 'lastSignInAt' | 'publicMetadata' | 'unsafeMetadata'>
    >,
  ) {
    const user = this.get(id);
    if (patch.externalId !== undefined && patch.externalId !== user.externalId) {
      const owner = patch.externalId === null ? undefined : this.idByExternalId.get(patch.externalId);
      if (owner !== undefined && owner !== id) throw clerkErrors.identifierExists('external_id');
      if (user.externalId !== null) this.idByExternalId.delete(user.externalId);
      if (patch.externalId !== null) this.idByExternalId.set(patch.externalId, id);
    }
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined) Object.assign(user, { [key]: value });
    }
    this.touch(user);
    return user;
  }

  /** A new verified address becomes the primary one and replaces the others (a dashboard edit). */
  replaceEmail(id: string, address: string): StoredUser {
    const user = this.get(id);
    const lower = address.toLowerCase();
    const owner = this.idByEmail.get(lower);
    if (owner !== undefined && owner !== id) throw clerkErrors.identifierExists('email_address');
    const at = this.now();
    const kept = user.emails.find((e) => e.address === lower);
    const email = kept
      ? { ...kept, verified: true, updatedAt: at }
      : { id: clerkId('idn'), address: lower, verified: true, createdAt: at, updatedAt: at };
    for (const old of user.emails) this.idByEmail.delete(old.address);
    user.emails = [email];
    user.primaryEmailId = email.id;
    this.idByEmail.set(lower, id);
    this.touch(user);
    return user;
  }

  /** `updated_at` strictly increases with every change, even within one millisecond: consumers order events by it. */
  private touch(user: StoredUser): void {
    user.updatedAt = Math.max(this.now(), user.updatedAt + 1);
  }

  delete(id: string): StoredUser {
    const user = this.get(id);
    this.users.delete(id);
    for (const email of user.emails) this.idByEmail.delete(email.address);
    if (user.externalId !== null) this.idByExternalId.delete(user.externalId);
    return user;
  }

  /** Different filters narrow each other; the values of one filter widen (Clerk's semantics). */
  list(filters: UserFilters): StoredUser[] {
    const emails = new Set(filters.emails.map((e) => e.toLowerCase()));
    const externalIds = new Set(filters.externalIds);
    const userIds = new Set(filters.userIds);
    const matches = (user: StoredUser) =>
      (emails.size === 0 || user.emails.some((e) => emails.has(e.address))) &&
      (externalIds.size === 0 || (user.externalId !== null && externalIds.has(user.externalId))) &&
      (userIds.size === 0 || userIds.has(user.id));
    return this.candidates(emails, externalIds, userIds).filter(matches);
  }

  /**
   * The users a filtered list can contain, found through the indexes, so that a look-up of 100
   * emails stays cheap with a million stored users (benchmarks run at that size).
   */
  private candidates(emails: Set<string>, externalIds: Set<string>, userIds: Set<string>): StoredUser[] {
    let ids: string[];
    if (userIds.size > 0) ids = [...userIds];
    else if (externalIds.size > 0)
      ids = [...externalIds].map((x) => this.idByExternalId.get(x)).filter((id): id is string => id !== undefined);
    else if (emails.size > 0) ids = [...emails].map((e) => this.idByEmail.get(e)).filter((id): id is string => id !== undefined);
    else return [...this.users.values()];
    return [...new Set(ids)].map((id) => this.users.get(id)).filter((user): user is StoredUser => user !== undefined);
  }

  all(): StoredUser[] {
    return [...this.users.values()];
  }

  userCount(): number {
    return this.users.size;
  }

  updateMetadata(id: string, metadata: Pick<StoredUser, 'publicMetadata' | 'privateMetadata' | 'unsafeMetadata'>): StoredUser {
    const user = this.get(id);
    Object.assign(user, metadata, { updatedAt: this.now() });
    return user;
  }

  hasPendingInvitation(address: string): boolean {
    const lower = address.toLowerCase();
    return [...this.invitations.values()].some((i) => i.emailAddress === lower && i.status === 'pending');
  }

  createInvitation(data: Omit<StoredInvitation, 'id' | 'status' | 'createdAt' | 'updatedAt'>, ignoreExisting: boolean) {
    const address = data.emailAddress.toLowerCase();
    if (!ignoreExisting) {
      if (this.idByEmail.has(address)) throw clerkErrors.identifierExists('email_address');
      if (this.hasPendingInvitation(address)) throw clerkErrors.duplicateInvitation();
    }
    const at = this.now();
    const invitation: StoredInvitation = {
      ...data,
      emailAddress: address,
      id: clerkId('inv'),
      status: 'pending',
      createdAt: at,
      updatedAt: at,
    };
    this.invitations.set(invitation.id, invitation);
    return invitation;
  }

  /** Only a pending invitation can be revoked (Clerk answers 400 otherwise, 404 for an unknown id). */
  revokeInvitation(id: string): StoredInvitation {
    const invitation = this.invitations.get(id);
    if (!invitation) throw clerkErrors.notFound();
    if (invitation.status !== 'pending') throw clerkErrors.invitationNotPending();
    Object.assign(invitation, { status: 'revoked', updatedAt: this.now() });
    return invitation;
  }

  allInvitations(): StoredInvitation[] {
    return [...this.invitations.values()];
  }

  clear(): void {
    this.users.clear();
    this.idByEmail.clear();
    this.idByExternalId.clear();
    this.invitations.clear();
  }

  private assertEmailsFree(emails: string[]): void {
    const seen = new Set<string>();
    for (const email of emails.map((e) => e.toLowerCase())) {
      if (this.idByEmail.has(email) || seen.has(email)) throw clerkErrors.identifierExists('email_address');
      seen.add(email);
    }
  }

  private index(user: StoredUser): void {
    this.users.set(user.id, user);
    for (const email of user.emails) this.idByEmail.set(email.address, user.id);
    if (user.externalId !== null) this.idByExternalId.set(user.externalId, user.id);
  }
}

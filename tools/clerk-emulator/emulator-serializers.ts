import type { StoredEmail, StoredInvitation, StoredUser } from './emulator.types.js';

/**
 * JSON in Clerk's shapes: `User`, `EmailAddress` (with a `verification_admin` verification for addresses
 * created through the Backend API), `DeletedObject`, `Invitation` from the OpenAPI spec, with every field
 * that `@clerk/backend`'s `User.fromJSON` and `EmailAddress.fromJSON` read (`linked_to` must be an array).
 */
function emailJson(email: StoredEmail) {
  return {
    id: email.id,
    object: 'email_address',
    email_address: email.address,
    reserved: false,
    verification: email.verified
      ? { object: 'verification_admin', status: 'verified', strategy: 'admin', attempts: null, expire_at: null }
      : { object: 'verification_otp', status: 'unverified', strategy: 'email_code', attempts: 0, expire_at: null },
    linked_to: [],
    matches_sso_connection: false,
    created_at: email.createdAt,
    updated_at: email.updatedAt,
  };
}

export function userJson(user: StoredUser) {
  return {
    id: user.id,
    object: 'user',
    external_id: user.externalId,
    primary_email_address_id: user.primaryEmailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    username: null,
    first_name: user.firstName,
    last_name: user.lastName,
    image_url: 'https://img.clerk.com/eyJ0eXBlIjoiZGVmYXVsdCJ9',
    has_image: false,
    public_metadata: user.publicMetadata,
    private_metadata: user.privateMetadata,
    unsafe_metadata: user.unsafeMetadata,
    email_addresses: user.emails.map(emailJson),
    phone_numbers: [],
    web3_wallets: [],
    passkeys: [],
    external_accounts: [],
    saml_accounts: [],
    enterprise_accounts: [],
    password_enabled: user.password !== null,
    two_factor_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    mfa_enabled_at: null,
    mfa_disabled_at: null,
    banned: false,
    locked: false,
    lockout_expires_in_seconds: null,
    verification_attempts_remaining: 100,
    delete_self_enabled: true,
    create_organization_enabled: true,
    create_organizations_limit: null,
    last_sign_in_at: user.lastSignInAt,
    last_active_at: user.lastSignInAt,
    legal_accepted_at: null,
    locale: null,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

export function deletedUserJson(user: StoredUser) {
  return { object: 'user', id: user.id, deleted: true };
}

export function invitationJson(invitation: StoredInvitation) {
  return {
    object: 'invitation',
    id: invitation.id,
    email_address: invitation.emailAddress,
    public_metadata: invitation.publicMetadata,
    revoked: invitation.status === 'revoked',
    status: invitation.status,
    url: `https://accounts.emulator.local/sign-up?__clerk_ticket=${invitation.id}`,
    expires_at: invitation.expiresAt,
    created_at: invitation.createdAt,
    updated_at: invitation.updatedAt,
  };
}

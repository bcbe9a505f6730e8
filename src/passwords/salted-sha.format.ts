import { createHash } from 'node:crypto';
import { equalInConstantTime, falseOnError, type PasswordFormat } from './password-format.js';
import { stretchOffThread } from './phpass-stretch.js';

const SHA1_BYTES = 20;

/**
 * OpenLDAP's salted SHA-1, `{SSHA}` and base64 of sha1(password ‖ salt) ‖ salt (openldap.org FAQ 347),
 * a salt of 4 bytes or more as passlib requires. One sha1 takes microseconds, so it runs inline; the
 * comparison is constant-time. Clerk's `ldap_ssha` documents no form of its own: it gets the string
 * as LDAP stores it.
 */
export const ldapSshaFormat: PasswordFormat = {
  name: 'ldap_ssha',
  hasher: 'ldap_ssha',
  shape: /^\{SSHA\}[A-Za-z0-9+/]{32,}={0,2}$/,
  toClerkDigest: (hash) => hash,
  costClass: () => 'ldap_ssha',
  verify: async (password, hash) => {
    const decoded = Buffer.from(hash.slice('{SSHA}'.length), 'base64');
    const salt = decoded.subarray(SHA1_BYTES);
    return equalInConstantTime(createHash('sha1').update(password, 'utf8').update(salt).digest(), decoded.subarray(0, SHA1_BYTES));
  },
};

/**
 * Symfony's legacy `MessageDigestPasswordEncoder` (FOSUserBundle's default) with sha512:
 * sha512(password{salt}), then `iterations - 1` times sha512(previous ‖ password{salt}), in base64
 * (Symfony's default: 5,000 iterations). Symfony keeps the salt in a column of its own, so the stored
 * shape is Clerk's own `sha512_symfony$<iterations>$<salt>$<base64>`, the columns joined; the rounds
 * run on the worker threads phpass uses.
 */
export const symfonySha512Format: PasswordFormat = {
  name: 'sha512_symfony',
  hasher: 'sha512_symfony',
  shape: /^sha512_symfony\$[1-9][0-9]{0,5}\$[^${}]*\$[A-Za-z0-9+/]{86}==$/,
  toClerkDigest: (hash) => hash,
  // `sha512_symfony$5000$`
  costClass: (hash) => `${hash.split('$').slice(0, 2).join('$')}$`,
  verify: (password, hash) =>
    falseOnError(async () => {
      const [, iterations, salt, encoded] = hash.split('$');
      const salted = Buffer.from(salt === '' ? password : `${password}{${salt}}`, 'utf8');
      // The first round is sha512(∅ ‖ salted), each further one sha512(previous ‖ salted).
      const digest = await stretchOffThread(Buffer.alloc(0), salted, Number(iterations) - 1, 'sha512');
      return equalInConstantTime(digest, Buffer.from(encoded, 'base64'));
    }),
};

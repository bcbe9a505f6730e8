import { verify as argon2Verify } from '@node-rs/argon2';
import { falseOnError, type PasswordFormat } from './password-format.js';

/**
 * A PHC string of version 19 (the only one Clerk reads: it assumes `v=19`), with memory, time and
 * parallelism, then unpadded base64 salt (8 bytes at least) and hash (16 bytes at least).
 */
function argon2Format(variant: 'argon2id' | 'argon2i'): PasswordFormat {
  return {
    name: variant,
    hasher: variant,
    shape: new RegExp(`^\\$${variant}\\$v=19\\$m=[0-9]{1,10},t=[0-9]{1,10},p=[0-9]{1,3}\\$[A-Za-z0-9+/]{11,}\\$[A-Za-z0-9+/]{22,}$`),
    toClerkDigest: (hash) => hash,
    // `$argon2id$v=19$m=…,t=…,p=…$`: everything before the salt.
    costClass: (hash) => `${hash.split('$').slice(0, 4).join('$')}$`,
    // The variant is read from the string itself; the shape has already pinned it to ours.
    verify: (password, hash) => falseOnError(() => argon2Verify(hash, password)),
  };
}

/** Through `@node-rs/argon2`, whose verification runs on libuv's thread pool. */
export const argon2idFormat = argon2Format('argon2id');
export const argon2iFormat = argon2Format('argon2i');

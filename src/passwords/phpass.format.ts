import { equalInConstantTime, falseOnError, type PasswordFormat } from './password-format.js';
import { md5Concat, phpassStretch, stretchOffThread } from './phpass-stretch.js';

const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** The setting: `$P$` (or phpBB's `$H$`, the same algorithm), the log2 of the rounds, 8 characters of salt. */
const SETTING_LENGTH = 12;

interface PhpassSetting {
  setting: string;
  salt: Buffer;
  count: number;
}

function parseSetting(hash: string): PhpassSetting {
  // phpass accepts 2^7 to 2^30 rounds; the shape has already held the character to that range.
  return {
    setting: hash.slice(0, SETTING_LENGTH),
    salt: Buffer.from(hash.slice(4, SETTING_LENGTH), 'utf8'),
    count: 2 ** ITOA64.indexOf(hash[3]),
  };
}

/** phpass's own base64 (`encode64`): little-endian groups of three bytes, its own alphabet, no padding. */
function encode64(input: Uint8Array): string {
  let output = '';
  for (let i = 0; i < input.length; i += 3) {
    const value = input[i] | ((input[i + 1] ?? 0) << 8) | ((input[i + 2] ?? 0) << 16);
    const chars = Math.min(4, Math.ceil(((input.length - i) * 8) / 6));
    for (let c = 0; c < chars; c++) output += ITOA64[(value >> (6 * c)) & 0x3f];
  }
  return output;
}

function matches(hash: string, setting: string, stretched: Uint8Array): boolean {
  return equalInConstantTime(Buffer.from(setting + encode64(stretched), 'utf8'), Buffer.from(hash, 'utf8'));
}

/** phpass's `crypt_private`, blocking: the hash of `password` under `setting` (the first 12 characters of a hash). */
export function phpassCrypt(password: string, setting: string): string {
  const parsed = parseSetting(setting);
  return parsed.setting + encode64(phpassStretch(parsed.salt, Buffer.from(password, 'utf8'), parsed.count, md5Concat));
}

/**
 * The portable hashes of phpass (WordPress, phpBB, Drupal 7's ancestors), by its published
 * definition (openwall.com/phpass, `crypt_private`). Clerk's `phpass` documents the `$P$` prefix
 * only, so phpBB's `$H$` goes to Clerk as `$P$`: the digest is the same.
 */
export const phpassFormat: PasswordFormat = {
  name: 'phpass',
  hasher: 'phpass',
  shape: /^\$[PH]\$[5-9A-S][./0-9A-Za-z]{30}$/,
  sqlShape: { octetLength: 34, pattern: /^\$[PH]\$[5-9A-S][./0-9A-Za-z]*$/ },
  toClerkDigest: (hash) => `$P$${hash.slice(3)}`,
  // `$P$B`: the prefix and the character that counts the rounds.
  costClass: (hash) => hash.slice(0, 4),
  verify: (password, hash) =>
    falseOnError(async () => {
      const { setting, salt, count } = parseSetting(hash);
      return matches(hash, setting, await stretchOffThread(salt, Buffer.from(password, 'utf8'), count));
    }),
};

import { registerAs } from '@nestjs/config';
import { EnvReader } from './env-reader.js';

/** Firebase's project-wide scrypt parameters (Firebase console, "Password hash parameters"). */
export interface FirebaseScryptSettings {
  signerKey?: string;
  saltSeparator?: string;
  rounds?: number;
  memCost?: number;
}

/** Parameters some password formats need besides the stored hash (`src/passwords`). */
export interface PasswordsConfig {
  /** Devise's `config.pepper`: set, every bcrypt hash was made over password + pepper (`bcrypt_peppered`). */
  pepper?: string;
  firebase: FirebaseScryptSettings;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function readPasswordsConfig(env: Record<string, string | undefined>): PasswordsConfig {
  const read = new EnvReader(env);
  const base64 = (name: string, value: string | undefined) => {
    if (value !== undefined && !BASE64.test(value)) read.problem(name, 'must be base64, as the Firebase console shows it');
    return value;
  };
  // Firebase allows 1 to 8 rounds and a memory cost of 1 to 14 (N = 2^memCost); unset stays unset.
  const rounds = read.int('FIREBASE_SCRYPT_ROUNDS', 0, { min: 1, max: 8 });
  const memCost = read.int('FIREBASE_SCRYPT_MEM_COST', 0, { min: 1, max: 14 });
  // The pepper is taken as it is, spaces included: Devise appends it to the password byte for byte.
  const pepper = env.PASSWORD_PEPPER;
  return read.done({
    pepper: pepper === undefined || pepper === '' ? undefined : pepper,
    firebase: {
      signerKey: base64('FIREBASE_SCRYPT_SIGNER_KEY', read.optional('FIREBASE_SCRYPT_SIGNER_KEY')),
      saltSeparator: base64('FIREBASE_SCRYPT_SALT_SEPARATOR', read.optional('FIREBASE_SCRYPT_SALT_SEPARATOR')),
      rounds: rounds === 0 ? undefined : rounds,
      memCost: memCost === 0 ? undefined : memCost,
    },
  });
}

export const passwordsConfig = registerAs('passwords', () => readPasswordsConfig(process.env));

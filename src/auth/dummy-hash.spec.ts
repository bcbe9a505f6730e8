import { describe, expect, it } from '@jest/globals';
import { hashShape, typicalHash } from './dummy-hash.js';

const bcrypt = (cost: string, tail: string) => `$2b$${cost}$${tail.padEnd(53, 'a')}`;

describe('hashShape', () => {
  it('keeps what sets the cost of a check and drops the salt and digest', () => {
    expect(hashShape(bcrypt('12', 'x'))).toBe('$2b$12$');
    expect(hashShape('$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$ZGlnZXN0')).toBe('$argon2id$v=19$m=65536,t=3,p=4$');
    expect(hashShape('pbkdf2_sha256$870000$salt$digest=')).toBe('pbkdf2_sha256$870000$');
    expect(hashShape('$P$Bsaltsaltdigest')).toBe('$P$B');
    expect(hashShape('5f4dcc3b5aa765d61d8327deb882cf99')).toBe('hex:32');
  });

  it('recognises nothing in what is not a password hash', () => {
    expect(hashShape('')).toBeUndefined();
    expect(hashShape('not a hash')).toBeUndefined();
  });
});

describe('typicalHash', () => {
  it('picks a hash of the most common shape, whatever the order', () => {
    const hashes = [bcrypt('10', 'a'), bcrypt('12', 'b'), 'garbage', bcrypt('12', 'c'), bcrypt('10', 'd'), bcrypt('12', 'e')];
    expect(hashShape(typicalHash(hashes)!)).toBe('$2b$12$');
    expect(hashShape(typicalHash([...hashes].reverse())!)).toBe('$2b$12$');
  });

  it('has nothing to offer without a recognised hash', () => {
    expect(typicalHash([])).toBeUndefined();
    expect(typicalHash(['garbage'])).toBeUndefined();
  });
});

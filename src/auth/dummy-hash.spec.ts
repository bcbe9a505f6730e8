import { describe, expect, it } from '@jest/globals';
import { PasswordFormats } from '../passwords/password-formats.js';
import { typicalHash } from './dummy-hash.js';

const formats = new PasswordFormats();
const passwordCostClass = (hash: string) => formats.costClass(hash);
const typical = (hashes: string[]) => typicalHash(hashes, formats);
const bcrypt = (cost: string, tail: string) => `$2b$${cost}$${tail.padEnd(53, 'a')}`;

describe('typicalHash', () => {
  it('picks a hash of the most common cost class, whatever the order', () => {
    const hashes = [bcrypt('10', 'a'), bcrypt('12', 'b'), 'garbage', bcrypt('12', 'c'), bcrypt('10', 'd'), bcrypt('12', 'e')];
    expect(passwordCostClass(typical(hashes)!)).toBe('$2b$12$');
    expect(passwordCostClass(typical([...hashes].reverse())!)).toBe('$2b$12$');
  });

  it('has nothing to offer without a recognised hash', () => {
    expect(typical([])).toBeUndefined();
    expect(typical(['garbage'])).toBeUndefined();
  });

  it('never picks a hash no format verifies, however common: its check would cost nothing', () => {
    const truncated = ['$2b$12$LZSJchsWG/DrBy1erNs4ee', '$2b$12$LZSJchsWG/DrBy1erNs4ef', '$argon2d$v=19$m=256,t=2,p=1$c29tZXNhbHQ$x'];
    expect(typical([...truncated, bcrypt('10', 'a')])).toBe(bcrypt('10', 'a'));
  });
});

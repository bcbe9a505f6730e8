import { describe, expect, it } from '@jest/globals';
import { throttleAddress } from './client-address.js';

describe('throttleAddress', () => {
  it('counts IPv4 clients by their address, IPv4-mapped ones too', () => {
    expect(throttleAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(throttleAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts IPv6 clients by their /64, however the address is written', () => {
    const one = throttleAddress('2001:db8:85a3:0:1:2:3:4');
    expect(one).toBe('2001:db8:85a3:0::/64');
    expect(throttleAddress('2001:0db8:85a3:0000:ffff:ffff:ffff:ffff')).toBe(one);
    expect(throttleAddress('2001:db8:85a3::9')).toBe(one);
    expect(throttleAddress('2001:db8:85a4::9')).not.toBe(one);
    expect(throttleAddress('::1')).toBe('0:0:0:0::/64');
    expect(throttleAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    // A zone is any interface name (a VLAN's has a dot); it changes nothing of the /64.
    expect(throttleAddress('fe80::1%eth0.100')).toBe('fe80:0:0:0::/64');
  });

  it('counts an IPv4-mapped address written in hex as its IPv4 address', () => {
    expect(throttleAddress('::ffff:cb00:7107')).toBe('203.0.113.7');
  });

  it('counts a deprecated IPv4-compatible address as its IPv4 address, as ipaddr.js reads it', () => {
    expect(throttleAddress('::203.0.113.7')).toBe('203.0.113.7');
  });

  it.each([
    'unknown',
    '',
    '1:2:3:4:5:6:7:8:9',
    '::ffff:999.1.1.1',
    '2001:db8:::1',
    '127.1',
    // Embedded IPv4 in hex, octal-looking or padded octets: no socket writes it so, and RFC 4291 has none of it.
    '::ffff:0x7f.0.0.1',
    '::ffff:0177.0.0.1',
    '::ffff:1.2.3.04',
    'fe80::1%',
  ])('keeps %j, not an address, as it is', (input) => {
    expect(throttleAddress(input)).toBe(input);
  });

  it('keeps a long malformed value as it is, without throwing', () => {
    const long = `${'1:'.repeat(5_000)}1`;
    expect(throttleAddress(long)).toBe(long);
  });
});

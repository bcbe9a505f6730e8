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
  });

  it('keeps what is not an address as it is', () => {
    expect(throttleAddress('unknown')).toBe('unknown');
  });
});

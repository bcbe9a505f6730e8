import { isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * The address the login throttle counts a client by. IPv4 as it is (IPv4-mapped IPv6 included); IPv6
 * by its /64, because one subscriber usually holds a whole /64 and could otherwise take a fresh
 * address for every guess. Anything else (no address known, a malformed one) is kept as given.
 */
export function throttleAddress(ip: string): string {
  // Node's check is the strict one (RFC 4291 text, any zone): ipaddr.js alone would also take spellings
  // no socket gives, such as `::ffff:0x7f.0.0.1`. The zone says nothing of the /64, so it is not parsed;
  // the second check only makes sure the parse below cannot throw.
  const withoutZone = ip.split('%')[0];
  if (!isIPv6(ip) || !ipaddr.IPv6.isValid(withoutZone)) return ip;
  // ipaddr.js reads the deprecated IPv4-compatible `::a.b.c.d` as mapped too: counted as a.b.c.d.
  const address = ipaddr.IPv6.parse(withoutZone);
  if (address.isIPv4MappedAddress()) return address.toIPv4Address().toString();
  const prefix = address.parts.slice(0, 4).map((group) => group.toString(16));
  return `${prefix.join(':')}::/64`;
}

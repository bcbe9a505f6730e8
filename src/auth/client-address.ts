import ipaddr from 'ipaddr.js';

/**
 * The address the login throttle counts a client by. IPv4 as it is (IPv4-mapped IPv6 included); IPv6
 * by its /64, because one subscriber usually holds a whole /64 and could otherwise take a fresh
 * address for every guess. Anything else (no address known, a malformed one) is kept as given.
 */
export function throttleAddress(ip: string): string {
  if (!ipaddr.IPv6.isValid(ip)) return ip;
  const address = ipaddr.IPv6.parse(ip);
  if (address.isIPv4MappedAddress()) return address.toIPv4Address().toString();
  const prefix = address.parts.slice(0, 4).map((group) => group.toString(16));
  return `${prefix.join(':')}::/64`;
}

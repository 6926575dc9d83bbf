import { BlockList, isIP } from 'node:net';

/**
 * Which resolved addresses the server may connect to when it fetches a client's document (jwks_uri,
 * RFC 7591 §5 and RFC 9700 §4.15 server-side request forgery): public unicast only. Ranges from the
 * IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890) that are not globally reachable.
 */
const NON_PUBLIC_V4 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // RFC 791 "this network", includes the unspecified 0.0.0.0
  ['10.0.0.0', 8], // RFC 1918 private
  ['100.64.0.0', 10], // RFC 6598 shared address space (CGNAT)
  ['127.0.0.0', 8], // RFC 1122 loopback
  ['169.254.0.0', 16], // RFC 3927 link-local, cloud metadata endpoints (169.254.169.254)
  ['172.16.0.0', 12], // RFC 1918 private
  ['192.0.0.0', 24], // RFC 6890 IETF protocol assignments
  ['192.0.2.0', 24], // RFC 5737 documentation
  ['192.88.99.0', 24], // RFC 7526 deprecated 6to4 relay anycast
  ['192.168.0.0', 16], // RFC 1918 private
  ['198.18.0.0', 15], // RFC 2544 benchmarking
  ['198.51.100.0', 24], // RFC 5737 documentation
  ['203.0.113.0', 24], // RFC 5737 documentation
  ['224.0.0.0', 4], // RFC 5771 multicast
  ['240.0.0.0', 4], // RFC 1112 reserved, includes the limited broadcast 255.255.255.255
] as const) {
  NON_PUBLIC_V4.addSubnet(network, prefix, 'ipv4');
}

/** IPv6 ranges inside global unicast 2000::/3 that are still not public (everything outside 2000::/3 is refused). */
const NON_PUBLIC_V6_IN_GLOBAL = new BlockList();
for (const [network, prefix] of [
  ['2001::', 23], // RFC 2928 IETF protocol assignments: Teredo 2001::/32 (RFC 4380), ORCHID, benchmarking 2001:2::/48
  ['2001:db8::', 32], // RFC 3849 documentation
  ['3fff::', 20], // RFC 9637 documentation
] as const) {
  NON_PUBLIC_V6_IN_GLOBAL.addSubnet(network, prefix, 'ipv6');
}

export type AddressVerdict = { public: true } | { public: false; reason: string };

/**
 * Classifies one IP address (as returned by DNS or written as a literal). IPv4 embedded in IPv6 —
 * IPv4-mapped ::ffff:0:0/96 (RFC 4291 §2.5.5.2), IPv4-compatible ::/96 (§2.5.5.1), NAT64 64:ff9b::/96
 * (RFC 6052) and 6to4 2002::/16 (RFC 3056) — is judged by the IPv4 address it reaches.
 */
export function classifyAddress(address: string): AddressVerdict {
  const family = isIP(address);
  if (family === 4) {
    return NON_PUBLIC_V4.check(address, 'ipv4') ? { public: false, reason: 'private, loopback, link-local, multicast or reserved IPv4 address' } : { public: true };
  }
  // A zone identifier (fe80::1%eth0) is link-local by definition; isIP() accepts it.
  if (family !== 6 || address.includes('%')) return { public: false, reason: 'not an IP address' };
  const groups = expandIpv6(address);
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined) {
    const verdict = classifyAddress(embedded);
    return verdict.public ? verdict : { public: false, reason: `IPv6 address embedding a non-public IPv4 address (${embedded})` };
  }
  // RFC 4291 §2.4: only global unicast 2000::/3 is public; ::, ::1, fc00::/7, fe80::/10, ff00::/8,
  // 64:ff9b:1::/48 (RFC 8215 local-use NAT64), 100::/64 (RFC 6666 discard) all fall outside it.
  if ((groups[0] & 0xe000) !== 0x2000) return { public: false, reason: 'IPv6 address outside global unicast 2000::/3' };
  if (NON_PUBLIC_V6_IN_GLOBAL.check(address, 'ipv6')) return { public: false, reason: 'reserved or documentation IPv6 address' };
  return { public: true };
}

/** The IPv4 address an IPv6 address forwards to, when it has one. */
function embeddedIpv4(groups: number[]): string | undefined {
  const v4 = (high: number, low: number): string => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  const zeros = (from: number, to: number): boolean => groups.slice(from, to).every((group) => group === 0);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, includes :: and ::1 as 0.0.0.0 and 0.0.0.1)
  if (zeros(0, 5) && (groups[5] === 0xffff || groups[5] === 0)) return v4(groups[6], groups[7]);
  // ::ffff:0:a.b.c.d (RFC 2765 SIIT translated)
  if (zeros(0, 4) && groups[4] === 0xffff && groups[5] === 0) return v4(groups[6], groups[7]);
  // 64:ff9b::a.b.c.d (RFC 6052 well-known NAT64 prefix)
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return v4(groups[6], groups[7]);
  // 2002:aabb:ccdd::/48 (RFC 3056 6to4)
  if (groups[0] === 0x2002) return v4(groups[1], groups[2]);
  return undefined;
}

/** Eight 16-bit groups of a valid IPv6 address (isIP() === 6), with a dotted IPv4 tail converted. */
function expandIpv6(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const all = tail === undefined ? headGroups : [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  return all.map((group) => parseInt(group, 16));
}

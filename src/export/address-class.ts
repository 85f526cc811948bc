/**
 * What kind of address a flow endpoint has, for flow records: so a user can
 * tell internet traffic from VPC-internal traffic without a lookup table.
 * IPv4: RFC 1918 private, RFC 6598 shared (carrier-grade NAT, 100.64/10),
 * RFC 1122 loopback (127/8), RFC 3927 link-local (169.254/16, where the AWS
 * metadata service lives), RFC 5771 multicast (224/4), RFC 1112 reserved
 * (240/4), "this network" (0/8). IPv6 (RFC 4291, RFC 4193): loopback,
 * link-local fe80::/10, unique-local fc00::/7, multicast ff00::/8, and global.
 */
export type AddressClass =
  | 'private'
  | 'shared'
  | 'loopback'
  | 'link-local'
  | 'multicast'
  | 'reserved'
  | 'unspecified'
  | 'public'
  | 'unique-local'
  | 'global';

/** `a` is the IPv4 address as a uint32. */
export function classifyIpv4(a: number): AddressClass {
  const b0 = a >>> 24;
  const b1 = (a >>> 16) & 0xff;
  if (b0 === 10 || (b0 === 172 && b1 >= 16 && b1 <= 31) || (b0 === 192 && b1 === 168)) return 'private';
  if (b0 === 100 && b1 >= 64 && b1 <= 127) return 'shared';
  if (b0 === 127) return 'loopback';
  if (b0 === 169 && b1 === 254) return 'link-local';
  if (b0 >= 224 && b0 <= 239) return 'multicast';
  if (b0 >= 240) return 'reserved';
  if (b0 === 0) return 'unspecified';
  return 'public';
}

/** `w` holds the IPv6 address as four uint32, most significant first. */
export function classifyIpv6(w: ArrayLike<number>): AddressClass {
  const top16 = w[0] >>> 16;
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 1) return 'loopback';
  if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0) return 'unspecified';
  if ((top16 & 0xffc0) === 0xfe80) return 'link-local';
  if ((top16 & 0xfe00) === 0xfc00) return 'unique-local';
  if ((top16 & 0xff00) === 0xff00) return 'multicast';
  return 'global';
}

export function formatIpv4(a: number): string {
  return `${a >>> 24}.${(a >>> 16) & 0xff}.${(a >>> 8) & 0xff}.${a & 0xff}`;
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run of two or more zero groups as "::". */
export function formatIpv6(w: ArrayLike<number>): string {
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) groups.push(w[i] >>> 16, w[i] & 0xffff);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

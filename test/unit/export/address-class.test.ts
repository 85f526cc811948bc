/**
 * Address classes of flow endpoints at every range boundary. The expected
 * class of each address comes from the registry ranges, not from the code:
 * RFC 1918 (10/8, 172.16/12, 192.168/16), RFC 6598 (100.64/10), RFC 1122
 * §3.2.1.3 (0/8 "this network", 127/8 loopback), RFC 3927 (169.254/16),
 * RFC 5771 (224/4), RFC 1112 §4 (240/4 reserved, 255.255.255.255 in it);
 * RFC 4291 §2.4-2.5 (::, ::1, fe80::/10, ff00::/8, the rest global unicast)
 * and RFC 4193 (fc00::/7).
 */
import { describe, expect, it } from 'vitest';
import { classifyIpv4, classifyIpv6 } from '../../../src/export/address-class.js';

function v4(text: string): number {
  return text.split('.').reduce((a, b) => a * 256 + Number(b), 0);
}

/** Four uint32 words, most significant first, from RFC 4291 text (one "::" at most, no embedded IPv4). */
function v6(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const h = part(head);
  const t = part(tail);
  const groups = tail === undefined ? h : [...h, ...new Array(8 - h.length - t.length).fill(0), ...t];
  return [0, 1, 2, 3].map((i) => groups[2 * i] * 0x10000 + groups[2 * i + 1]);
}

describe('classifyIpv4', () => {
  const cases: [string, string][] = [
    ['0.0.0.0', 'unspecified'], ['0.255.255.255', 'unspecified'], ['1.0.0.0', 'public'],
    ['9.255.255.255', 'public'], ['10.0.0.0', 'private'], ['10.255.255.255', 'private'], ['11.0.0.0', 'public'],
    ['100.63.255.255', 'public'], ['100.64.0.0', 'shared'], ['100.127.255.255', 'shared'], ['100.128.0.0', 'public'],
    ['126.255.255.255', 'public'], ['127.0.0.0', 'loopback'], ['127.255.255.255', 'loopback'], ['128.0.0.0', 'public'],
    ['169.253.255.255', 'public'], ['169.254.0.0', 'link-local'], ['169.254.169.254', 'link-local'],
    ['169.254.255.255', 'link-local'], ['169.255.0.0', 'public'],
    ['172.15.255.255', 'public'], ['172.16.0.0', 'private'], ['172.31.255.255', 'private'], ['172.32.0.0', 'public'],
    ['192.167.255.255', 'public'], ['192.168.0.0', 'private'], ['192.168.255.255', 'private'], ['192.169.0.0', 'public'],
    ['198.51.100.7', 'public'], ['223.255.255.255', 'public'], ['224.0.0.0', 'multicast'],
    ['239.255.255.255', 'multicast'], ['240.0.0.0', 'reserved'], ['255.255.255.255', 'reserved'],
  ];
  for (const [addr, cls] of cases) {
    it(`${addr} is ${cls}`, () => expect(classifyIpv4(v4(addr))).toBe(cls));
  }
});

describe('classifyIpv6', () => {
  const cases: [string, string][] = [
    ['::', 'unspecified'], ['::1', 'loopback'], ['::2', 'global'],
    ['2001:db8::1', 'global'], ['2600:1f18::5', 'global'], ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'global'],
    ['fc00::', 'unique-local'], ['fd12:3456:789a::1', 'unique-local'], ['fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'unique-local'],
    ['fe00::', 'global'], ['fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'global'],
    ['fe80::', 'link-local'], ['fe80::1', 'link-local'], ['febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'link-local'],
    ['fec0::', 'global'], ['ff00::', 'multicast'], ['ff02::1', 'multicast'], ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'multicast'],
  ];
  for (const [addr, cls] of cases) {
    it(`${addr} is ${cls}`, () => expect(classifyIpv6(v6(addr))).toBe(cls));
  }
});

/**
 * IP address text -> 32-bit words, without allocating.
 *
 * Used twice: at config time for --allow-source CIDRs, and per datagram for
 * the UDP socket source, whose outer source address only exists as dgram's
 * `rinfo.address` string (the kernel took the IP header off). Scanning the
 * string with charCodeAt into a caller-owned Int32Array costs no object; a
 * `split('.')` or `net.BlockList.check()` would allocate per datagram.
 *
 * Text forms: RFC 4291 §2.2 (IPv6: eight hex groups, one `::` for a run of
 * zeros, a trailing dotted IPv4 in the last 32 bits) and dotted-quad IPv4
 * (four decimal octets, no leading `0x`, as `inet_pton` accepts). An IPv6
 * zone (`fe80::1%eth0`, as dgram reports link-local peers) is ignored. An
 * IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, RFC 4291 §2.5.5.2: what a
 * dual-stack udp6 socket reports for IPv4 peers) is returned as IPv4, so one
 * IPv4 CIDR covers both ways the same peer can arrive.
 */

/** Scratch for the eight IPv6 groups (module-level: parsing is synchronous, so one is enough). */
const groups = new Uint16Array(8);

/**
 * Parses text[start, end) as a dotted-quad IPv4 address. Returns the
 * address as a uint32 number, or -1 when it is not one.
 */
function parseIpv4(text: string, start: number, end: number): number {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      // No leading zeros ("010" is octal to some parsers, decimal to others: refuse it).
      if (digits === 1 && octet === 0) return -1;
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46 /* . */) {
      if (digits === 0 || ++dots > 3) return -1;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else {
      return -1;
    }
  }
  if (digits === 0 || dots !== 3) return -1;
  return value * 256 + octet;
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses `text` (an IPv4 or IPv6 address) into `out`: for IPv4, out[0] is
 * the address; for IPv6, out[0..3] are its four 32-bit words, most
 * significant first. Words are stored as int32 (compare with `|0` values).
 * Returns 4, 6, or 0 when the text is not an address (out is then garbage).
 */
export function parseIpAddress(text: string, out: Int32Array): number {
  let end = text.length;
  const zone = text.indexOf('%');
  if (zone >= 0) end = zone;
  if (text.indexOf(':') < 0) {
    const v4 = parseIpv4(text, 0, end);
    if (v4 < 0) return 0;
    out[0] = v4 | 0;
    return 4;
  }
  // IPv6: fill groups[] left to right; `gap` is the group index where `::` stands.
  let count = 0;
  let gap = -1;
  let i = 0;
  if (end >= 2 && text.charCodeAt(0) === 58 && text.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
  } else if (end >= 1 && text.charCodeAt(0) === 58) {
    return 0; // a single leading colon
  }
  while (i < end) {
    // One group: up to four hex digits, or a trailing dotted IPv4.
    const groupStart = i;
    let value = 0;
    let digits = 0;
    while (i < end) {
      const h = hexValue(text.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
      i++;
      if (++digits > 4) return 0;
    }
    if (i < end && text.charCodeAt(i) === 46 /* . */) {
      if (count > 6) return 0;
      const v4 = parseIpv4(text, groupStart, end);
      if (v4 < 0) return 0;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      i = end;
      break;
    }
    if (digits === 0) return 0;
    if (count >= 8) return 0;
    groups[count++] = value;
    if (i === end) break;
    if (text.charCodeAt(i) !== 58) return 0;
    i++;
    if (i < end && text.charCodeAt(i) === 58) {
      if (gap >= 0) return 0; // a second `::`
      gap = count;
      i++;
    } else if (i === end) {
      return 0; // a trailing single colon
    }
  }
  if (gap < 0) {
    if (count !== 8) return 0;
  } else {
    if (count > 7) return 0; // `::` must stand for at least one group
    // Move the groups after the gap to the end and zero the middle.
    const tail = count - gap;
    for (let k = 0; k < tail; k++) groups[7 - k] = groups[count - 1 - k];
    for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  }
  // ::ffff:a.b.c.d is an IPv4 peer seen through a dual-stack socket.
  if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
    out[0] = (groups[6] << 16) | groups[7];
    return 4;
  }
  out[0] = (groups[0] << 16) | groups[1];
  out[1] = (groups[2] << 16) | groups[3];
  out[2] = (groups[4] << 16) | groups[5];
  out[3] = (groups[6] << 16) | groups[7];
  return 6;
}

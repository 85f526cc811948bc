import { readFileSync } from 'node:fs';

/**
 * The UDP payloads (the tunnel header onward) of a classic little-endian pcap
 * of untagged Ethernet/IPv4/UDP frames, as a sender hands them to a socket:
 * what the live tests send to vxmon on lo.
 */
export function udpPayloads(file: string): Buffer[] {
  const buf = readFileSync(file);
  const out: Buffer[] = [];
  for (let o = 24; o + 16 <= buf.length; ) {
    const caplen = buf.readUInt32LE(o + 8);
    const frame = buf.subarray(o + 16, o + 16 + caplen);
    const ihl = (frame[14] & 0x0f) * 4;
    out.push(Buffer.from(frame.subarray(14 + ihl + 8)));
    o += 16 + caplen;
  }
  return out;
}

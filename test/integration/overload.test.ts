/**
 * Overload, short: a 2 s burst at the highest rate this machine sends on lo
 * (bench/udp-blast.c through sendmmsg, or the node sender without a C
 * compiler) against `vxmon run --listen-udp 127.0.0.1:24781` and, as root
 * with the cap binding, `--interface lo --bpf 'udp dst port 24782'`. The
 * daemon survives and stops with exit 0 on SIGTERM, every scrape of
 * /metrics during the burst is answered, and for the UDP socket every
 * datagram the sender's kernel accepted is either counted by vxmon or
 * counted as a kernel receive drop (vxmon_udp_receive_drops_total, read from
 * /proc/net/udp): sent == counted + drops, exactly. libpcap's own ring drops
 * are not observable through `cap`, so for lo the test checks only that
 * nothing was counted twice (counted <= sent). The figures are printed.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM bench module, no type declarations
import { canCapture, runOverload } from '../../bench/overload.mjs';

interface Phase {
  source: string;
  sent: number;
  counted: number;
  kernel_drops: number | string;
  unaccounted: number;
  scrapes_ok: number;
  scrapes_failed: number;
}

describe('overload burst on lo', () => {
  it('survives, keeps answering /metrics, and accounts for every datagram of the UDP socket', async () => {
    const pcap = canCapture();
    if (!pcap) console.log('overload: libpcap phase skipped (needs root and the cap binding); UDP socket phase only');
    const r = await runOverload({ seconds: 2, pcap });
    console.log(`overload (2 s): ${JSON.stringify(r)}`);
    expect(r.survived).toBe(true);
    expect(r.exit_code_after_sigterm).toBe(0);
    const [udp, lo] = r.phases as Phase[];
    expect(udp.sent).toBeGreaterThan(1000);
    expect(udp.counted + (udp.kernel_drops as number)).toBe(udp.sent);
    expect(udp.unaccounted).toBe(0);
    for (const p of r.phases as Phase[]) {
      expect(p.scrapes_failed, p.source).toBe(0);
      expect(p.scrapes_ok, p.source).toBeGreaterThan(0);
    }
    if (pcap) {
      expect(lo.counted).toBeGreaterThan(0);
      expect(lo.counted).toBeLessThanOrEqual(lo.sent);
    }
  });
});

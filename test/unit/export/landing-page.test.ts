/**
 * The `/` page's per-VNI table, built from a real capture read through the
 * real pipeline and session tracker.
 *
 * Expected figures, from the capture's tshark oracle and a hand count over
 * `tshark -r pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap
 *  -Y 'tcp.flags.syn==1 || (tcp.flags.ack==1 && tcp.seq==1 && tcp.ack==1 && tcp.len==0)'
 *  -T fields -e frame.time_epoch -e tcp.stream`:
 * - VNI 5569041: 100 frames, 26048 wire bytes, 21048 inner bytes (oracle);
 * - 4 TCP sessions opened. Streams 0, 1, 2 end with FINs both ways, at
 *   .008 s, 99.019 s and 100.202 s (epoch 15616440xx); the last frame is at
 *   100.878 s. A FIN-closed session stays in the table for --timeout.tcp-closed
 *   (10 s) and counts as closed when it leaves, so at the end of the file
 *   streams 1, 2 (lingering) and 3 (never closed) are active: 3;
 * - server side SYN -> SYN-ACK: 96, 111, 79, 44 µs, median (2nd of 4) 79 µs;
 * - client side SYN-ACK -> ACK: 737, 739, 702, 716 µs, median 716 µs.
 * The tracker's histograms report a median within 6.25 % of a true sample
 * (src/session/histogram.ts), so that is the tolerance here.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readCaptureFile } from '../../../src/capture/pcap-file-source.js';
import { makeDecoderConfig } from '../../../src/decode/decoder-config.js';
import { landingVnis, renderLandingPage } from '../../../src/export/landing-page.js';
import { Pipeline } from '../../../src/pipeline.js';
import { SessionTracker } from '../../../src/session/session-tracker.js';

const CAPTURE = fileURLToPath(new URL('../../../pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap', import.meta.url));

/** The cells of each body row of the page's table. */
function tableRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(html)![1];
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1]));
}

function headers(html: string): string[] {
  return [...html.matchAll(/<th>(.*?)<\/th>/g)].map((m) => m[1]);
}

describe('landing page per-VNI table', () => {
  it('shows frames, bytes, TCP sessions opened and active, and both handshake RTT medians', async () => {
    const pipeline = new Pipeline(makeDecoderConfig(), new SessionTracker());
    // Read without replay()'s end-of-capture close, as a page viewed mid-capture sees it.
    await readCaptureFile(CAPTURE, pipeline);
    const html = renderLandingPage({ version: '9.9.9', startedAt: new Date(), sources: [CAPTURE], vnis: landingVnis(pipeline) });
    expect(headers(html)).toEqual(['tunnel', 'VNI', 'frames', 'wire bytes', 'inner bytes', 'TCP opened', 'TCP active', 'RTT p50 client', 'RTT p50 server']);
    const rows = tableRows(html);
    expect(rows).toHaveLength(1);
    const [tunnel, vni, frames, wire, inner, opened, active, rttClient, rttServer] = rows[0];
    expect([tunnel, vni, frames, wire, inner, opened, active]).toEqual(['vxlan', '5569041', '100', '26048', '21048', '4', '3']);
    const ms = (cell: string) => Number(/^([\d.]+) ms$/.exec(cell)![1]);
    expect(Math.abs(ms(rttClient) - 0.716) / 0.716).toBeLessThanOrEqual(0.0625);
    expect(Math.abs(ms(rttServer) - 0.079) / 0.079).toBeLessThanOrEqual(0.0625);
  });

  it('shows dashes where nothing was measured, and escapes source names', () => {
    const html = renderLandingPage({
      version: '1',
      startedAt: new Date(),
      sources: ['<x>.pcap'],
      vnis: [
        { tunnel: 'vxlan', vni: 7, frames: 3, wire_bytes: 300, inner_l2_bytes: 200 },
        { tunnel: 'vxlan', vni: 'other', frames: 1, wire_bytes: 100, inner_l2_bytes: 50, tcp: { opened: 2, active: 2, rtt_client_p50: null, rtt_server_p50: 0.0015 } },
      ],
    });
    expect(tableRows(html)).toEqual([
      ['vxlan', '7', '3', '300', '200', '–', '–', '–', '–'],
      ['vxlan', 'other', '1', '100', '50', '2', '2', '–', '1.500 ms'],
    ]);
    expect(html).toContain('&#60;x&#62;.pcap');
    expect(html).not.toContain('<x>');
  });

  it('says so when no tunnel traffic was seen', () => {
    const html = renderLandingPage({ version: '1', startedAt: new Date(), sources: [], vnis: [] });
    expect(tableRows(html)).toEqual([['no tunnel traffic yet']]);
  });
});

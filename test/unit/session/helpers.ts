/**
 * Test driver for the session layer without the pipeline: decode each frame
 * of a capture with the real decoder and hand it to a SessionTracker, the
 * way src/pipeline.ts does.
 */
import type { FrameSink } from '../../../src/capture/frame-source.js';
import { readCaptureFile } from '../../../src/capture/pcap-file-source.js';
import { makeDecoderConfig } from '../../../src/decode/decoder-config.js';
import { decodeFrame } from '../../../src/decode/decoder.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView } from '../../../src/decode/packet-view.js';
import { CLOSE_REASON_NAMES, INITIATOR_METHOD_NAMES, TCP_STATE_NAMES } from '../../../src/session/tcp-state.js';
import { FlowRecord, SessionTracker, type SessionTrackerOptions } from '../../../src/session/session-tracker.js';

export class TrackerSink implements FrameSink {
  readonly view = new PacketView();
  readonly config = makeDecoderConfig({});
  constructor(readonly tracker: SessionTracker) {}

  onFrame(buf: Buffer, offset: number, capturedLength: number, wireLength: number, tsSec: number, tsNsec: number, linkType: number): void {
    const view = this.view;
    const outcome = decodeFrame(buf, offset, capturedLength, wireLength, linkType, view, this.config);
    if (outcome !== Outcome.DECODED || view.innerIpVersion === 0) return;
    this.tracker.onPacket(view, tsSec, tsNsec);
  }
}

function addr(r: FlowRecord, a: Uint32Array): string {
  if (r.ipVersion === 4) return [a[0] >>> 24, (a[0] >>> 16) & 255, (a[0] >>> 8) & 255, a[0] & 255].join('.');
  const parts: string[] = [];
  for (let i = 0; i < 4; i++) parts.push((a[i] >>> 16).toString(16), (a[i] & 0xffff).toString(16));
  return parts.join(':');
}

/** A plain copy of a FlowRecord, with names and textual addresses, for assertions. */
export function plainRecord(r: FlowRecord) {
  return {
    tunnel: r.tunnelType,
    tunnel_depth: r.tunnelDepth,
    outer_tunnel: r.outerTunnelType,
    outer_vni: r.outerVni,
    vni: r.vni,
    proto: r.proto,
    initiator: `${addr(r, r.initiatorAddr)}:${r.initiatorPort}`,
    responder: `${addr(r, r.responderAddr)}:${r.responderPort}`,
    fwd: { packets: r.fwdPackets, ip_bytes: r.fwdIpBytes, payload_bytes: r.fwdPayloadBytes, first_us: r.fwdFirstUs, last_us: r.fwdLastUs, tcp_flags: r.fwdTcpFlags },
    rev: { packets: r.revPackets, ip_bytes: r.revIpBytes, payload_bytes: r.revPayloadBytes, first_us: r.revFirstUs, last_us: r.revLastUs, tcp_flags: r.revTcpFlags },
    start_us: r.startUs,
    end_us: r.endUs,
    duration_us: r.durationUs,
    state: TCP_STATE_NAMES[r.state],
    close_reason: CLOSE_REASON_NAMES[r.closeReason],
    initiator_method: INITIATOR_METHOD_NAMES[r.initiatorMethod],
    rtt_server_us: r.rttServerUs,
    rtt_client_us: r.rttClientUs,
    retransmitted_packets: r.retransPackets,
    retransmitted_bytes: r.retransBytes,
    syn_retransmissions: r.synRetransmissions,
    out_of_order: r.outOfOrder,
    unseen_bytes: r.unseenBytes,
    zero_windows: r.zeroWindows,
    mid_stream: r.midStream,
    one_sided: r.oneSided,
  };
}
export type PlainRecord = ReturnType<typeof plainRecord>;

/** Replay a capture through decoder + tracker; finish with end_of_capture; return the flow records in close order. */
export async function trackCapture(path: string, opts: Omit<SessionTrackerOptions, 'onFlow'> = {}) {
  const records: PlainRecord[] = [];
  const tracker = new SessionTracker({ ...opts, onFlow: (r) => records.push(plainRecord(r)) });
  await readCaptureFile(path, new TrackerSink(tracker));
  tracker.finish('end_of_capture');
  return { tracker, records };
}

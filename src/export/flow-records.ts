/**
 * Flow records for closed sessions, in two formats:
 *  - `jsonl`: one JSON object per flow with every field the tracker keeps;
 *  - `vpc-flow-log`: the AWS VPC Flow Logs default fields, in their order
 *    (version account-id interface-id srcaddr dstaddr srcport dstport protocol
 *    packets bytes start end action log-status), then tcp-flags, one line per
 *    direction as Flow Logs write them, so existing Flow Logs tooling reads
 *    them. Account and interface are `-` unless the VNI is named in the config.
 * Formatting builds strings and runs once per closed flow, never per packet.
 */
import { TUNNEL_NAMES, TcpFlag } from '../decode/packet-view.js';
import type { FlowRecord } from '../session/session-tracker.js';
import { CLOSE_REASON_NAMES, INITIATOR_METHOD_NAMES, TCP_STATE_NAMES } from '../session/tcp-state.js';
import { classifyIpv4, classifyIpv6, formatIpv4, formatIpv6 } from './address-class.js';

export type FlowFormat = 'jsonl' | 'vpc-flow-log';
export const FLOW_FORMATS: readonly FlowFormat[] = ['jsonl', 'vpc-flow-log'];

export interface VniOwner {
  account?: string;
  eni?: string;
}

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

function addr(r: FlowRecord, which: Uint32Array): string {
  return r.ipVersion === 4 ? formatIpv4(which[0]) : formatIpv6(which);
}
function addrClass(r: FlowRecord, which: Uint32Array): string {
  return r.ipVersion === 4 ? classifyIpv4(which[0]) : classifyIpv6(which);
}
function endpoint(r: FlowRecord, which: Uint32Array, port: number): string {
  const a = addr(r, which);
  return r.ipVersion === 6 ? `[${a}]:${port}` : `${a}:${port}`;
}
const seconds = (us: number) => (us < 0 ? null : us / 1e6);
/** The latest time a Date holds (ECMA-262 §21.4.1.1: 8.64e15 ms after 1970), in µs. */
const MAX_DATE_US = 8.64e18;

/**
 * ISO 8601 in UTC to the microsecond, the precision of `start`/`end` (a Date
 * holds milliseconds, so the last three digits are written from `us` itself).
 */
export function isoMicros(us: number): string | null {
  // Before 1970 or past what a Date holds (year 275760: a pcapng if_tsoffset can put a time there): no ISO form.
  if (!(us >= 0 && us <= MAX_DATE_US)) return null;
  const whole = Math.floor(us); // a nanosecond capture's times carry fractions of a µs
  const ms = Math.floor(whole / 1000);
  const text = new Date(ms).toISOString(); // 2024-06-01T12:00:00.001Z
  return `${text.slice(0, -1)}${String(whole - ms * 1000).padStart(3, '0')}Z`;
}

/** One direction's figures; its times are null when the direction carried no packet. */
function direction(packets: number, ipBytes: number, payloadBytes: number, tcpFlags: number, firstUs: number, lastUs: number) {
  return {
    packets,
    ip_bytes: ipBytes,
    payload_bytes: payloadBytes,
    tcp_flags: tcpFlags,
    first: seconds(firstUs),
    last: seconds(lastUs),
    first_iso: isoMicros(firstUs),
    last_iso: isoMicros(lastUs),
    duration_seconds: firstUs < 0 ? null : (lastUs - firstUs) / 1e6,
  };
}

/** One JSON line (no trailing newline). */
export function flowToJson(r: FlowRecord): string {
  return JSON.stringify({
    tunnel: TUNNEL_NAMES[r.tunnelType] ?? 'unknown',
    vni: r.vni,
    tunnel_depth: r.tunnelDepth,
    outer_tunnel: TUNNEL_NAMES[r.outerTunnelType] ?? 'unknown',
    outer_vni: r.outerVni,
    protocol: PROTO_NAMES[r.proto] ?? String(r.proto),
    ip_version: r.ipVersion,
    initiator: endpoint(r, r.initiatorAddr, r.initiatorPort),
    responder: endpoint(r, r.responderAddr, r.responderPort),
    initiator_class: addrClass(r, r.initiatorAddr),
    responder_class: addrClass(r, r.responderAddr),
    initiator_method: INITIATOR_METHOD_NAMES[r.initiatorMethod],
    start: seconds(r.startUs),
    end: seconds(r.endUs),
    start_iso: isoMicros(r.startUs),
    end_iso: isoMicros(r.endUs),
    duration_seconds: seconds(r.durationUs),
    state: TCP_STATE_NAMES[r.state],
    close_reason: CLOSE_REASON_NAMES[r.closeReason],
    initiator_to_responder: direction(r.fwdPackets, r.fwdIpBytes, r.fwdPayloadBytes, r.fwdTcpFlags, r.fwdFirstUs, r.fwdLastUs),
    responder_to_initiator: direction(r.revPackets, r.revIpBytes, r.revPayloadBytes, r.revTcpFlags, r.revFirstUs, r.revLastUs),
    rtt_server_seconds: seconds(r.rttServerUs),
    rtt_client_seconds: seconds(r.rttClientUs),
    retransmitted_packets: r.retransPackets,
    retransmitted_bytes: r.retransBytes,
    syn_retransmissions: r.synRetransmissions,
    out_of_order: r.outOfOrder,
    unseen_bytes: r.unseenBytes,
    zero_windows: r.zeroWindows,
    mid_stream: r.midStream,
    one_sided: r.oneSided,
  });
}

/**
 * Flow Logs' tcp-flags: the OR of FIN 1, SYN 2, RST 4 and SYN-ACK 18 over a
 * direction's packets (other flags, a bare ACK among them, add nothing). We
 * keep the plain OR of all flag bits per direction, so SYN-ACK is told apart
 * by direction: a responder's SYN is its SYN-ACK, an initiator's is a SYN.
 */
export function vpcTcpFlags(flags: number, responder: boolean): number {
  let f = flags & (TcpFlag.FIN | TcpFlag.SYN | TcpFlag.RST);
  if (responder && (flags & TcpFlag.SYN) !== 0) f |= 18;
  return f;
}

/**
 * The flow's directions as Flow Logs lines (one per direction that carried
 * packets). Version 3, because tcp-flags is a version-3 field.
 */
export function flowToVpcLines(r: FlowRecord, owner: VniOwner | undefined): string[] {
  const account = owner?.account ?? '-';
  const eni = owner?.eni ?? '-';
  const lines: string[] = [];
  const tcp = r.proto === 6;
  const line = (src: Uint32Array, sport: number, dst: Uint32Array, dport: number, packets: number, bytes: number, first: number, last: number, flags: number) =>
    [3, account, eni, addr(r, src), addr(r, dst), sport, dport, r.proto, packets, bytes,
      Math.floor(first / 1e6), Math.floor(last / 1e6), 'ACCEPT', 'OK', tcp ? flags : 0].join(' ');
  const icmp = r.proto === 1 || r.proto === 58;
  if (r.fwdPackets > 0) {
    lines.push(line(r.initiatorAddr, icmp ? 0 : r.initiatorPort, r.responderAddr, icmp ? 0 : r.responderPort,
      r.fwdPackets, r.fwdIpBytes, r.fwdFirstUs, r.fwdLastUs, vpcTcpFlags(r.fwdTcpFlags, false)));
  }
  if (r.revPackets > 0) {
    lines.push(line(r.responderAddr, icmp ? 0 : r.responderPort, r.initiatorAddr, icmp ? 0 : r.initiatorPort,
      r.revPackets, r.revIpBytes, r.revFirstUs, r.revLastUs, vpcTcpFlags(r.revTcpFlags, true)));
  }
  return lines;
}

export const VPC_FLOW_LOG_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags';

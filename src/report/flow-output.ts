/**
 * Where closed flows go during a replay: formatted (flow-records.ts) and
 * written in 64 KiB batches with writeSync, so a replay of millions of flows
 * never queues them in memory; and, for `--top`, summed per VNI and
 * direction into the largest talkers by bytes. Runs per closed flow, never
 * per packet.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { InputError } from '../errors.js';
import { flowToJson, flowToVpcLines, VPC_FLOW_LOG_HEADER, type FlowFormat } from '../export/flow-records.js';
import { formatIpv4, formatIpv6 } from '../export/address-class.js';
import type { FlowRecord } from '../session/session-tracker.js';

const BATCH_BYTES = 64 * 1024;

export class FlowWriter {
  private readonly fd: number;
  private batch = '';
  flows = 0;

  constructor(
    readonly path: string,
    private readonly format: FlowFormat,
  ) {
    if (path === '-') {
      this.fd = 1;
    } else {
      try {
        this.fd = openSync(path, 'w');
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        const why = code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
        throw new InputError('E_INPUT_OPEN', path, -1, `cannot write flow records: ${why}`);
      }
    }
    if (format === 'vpc-flow-log') this.batch = VPC_FLOW_LOG_HEADER + '\n';
  }

  write(r: FlowRecord): void {
    this.flows++;
    if (this.format === 'jsonl') this.batch += flowToJson(r) + '\n';
    else for (const line of flowToVpcLines(r, undefined)) this.batch += line + '\n';
    if (this.batch.length >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const bytes = Buffer.from(this.batch);
    this.batch = '';
    for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off);
  }

  close(): void {
    this.flush();
    if (this.fd !== 1) closeSync(this.fd);
  }
}

export interface Talker {
  source: string;
  destination: string;
  bytes: number;
  packets: number;
}

/** Bytes per (VNI, source address, destination address), from closed flows' two directions. */
export class TopTalkers {
  private readonly byVni = new Map<number, Map<string, Talker>>();

  add(r: FlowRecord): void {
    const key = r.tunnelType * 0x1000000 + r.vni;
    let talkers = this.byVni.get(key);
    if (!talkers) this.byVni.set(key, (talkers = new Map()));
    const a = r.ipVersion === 4 ? formatIpv4(r.initiatorAddr[0]) : formatIpv6(r.initiatorAddr);
    const b = r.ipVersion === 4 ? formatIpv4(r.responderAddr[0]) : formatIpv6(r.responderAddr);
    this.count(talkers, a, b, r.fwdIpBytes, r.fwdPackets);
    this.count(talkers, b, a, r.revIpBytes, r.revPackets);
  }

  private count(talkers: Map<string, Talker>, source: string, destination: string, bytes: number, packets: number): void {
    if (packets === 0) return;
    const k = `${source} ${destination}`;
    const t = talkers.get(k);
    if (t) {
      t.bytes += bytes;
      t.packets += packets;
    } else talkers.set(k, { source, destination, bytes, packets });
  }

  /** The n largest by bytes for a VNI key (ties: by source, then destination). */
  top(key: number, n: number): Talker[] {
    const talkers = [...(this.byVni.get(key)?.values() ?? [])];
    talkers.sort((x, y) => y.bytes - x.bytes || x.source.localeCompare(y.source) || x.destination.localeCompare(y.destination));
    return talkers.slice(0, n);
  }
}

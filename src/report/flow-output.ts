/**
 * Where closed flows go: formatted (flow-records.ts) and written in 64 KiB
 * batches with writeSync, so a replay of millions of flows never queues them
 * in memory; and, for `--top`, summed per VNI and direction into the largest
 * talkers by bytes. Runs per closed flow, never per packet.
 *
 * Line-atomic: a batch holds only whole lines and goes out in one write(2),
 * so a process killed between writes leaves whole lines. The kernel can
 * still cut a write short when SIGKILL arrives while it copies a multi-page
 * write (Linux checks for a fatal signal between pages), so the daemon opens
 * its file in append mode (a restart keeps the records already written)
 * and first cuts any unfinished last line such a kill left behind.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { InputError, OutputError, writeFailure } from '../errors.js';
import { flowToJson, flowToVpcLines, VPC_FLOW_LOG_HEADER, type FlowFormat, type VniOwner } from '../export/flow-records.js';
import { formatIpv4, formatIpv6 } from '../export/address-class.js';
import type { FlowRecord } from '../session/session-tracker.js';
import { VniFolder } from '../aggregate/vni-key.js';

const BATCH_BYTES = 64 * 1024;

export interface FlowWriterOptions {
  /** Keep what the file holds and write after it (the daemon); a replay starts the file afresh. */
  append?: boolean;
  /**
   * A batch that cannot be written (disk full): called with the error and the
   * records lost, and the writer goes on with the next batch (the daemon must
   * keep capturing). Without it, the failure is thrown (a replay stops, exit 5).
   */
  onWriteError?: (e: OutputError, records: number) => void;
}

export class FlowWriter {
  private readonly fd: number;
  private batch = '';
  /** Records in `batch`. */
  private batchRecords = 0;
  /** The file holds no line yet (a Flow Logs file then still needs its header). */
  private fileEmpty = true;
  /** A failed batch's tail could not be cut: the next batch begins with a newline. */
  private startNewLine = false;
  private readonly onWriteError: FlowWriterOptions['onWriteError'];
  flows = 0;
  /** Records in batches that could not be written (with onWriteError). */
  lostRecords = 0;
  /**
   * The account and ENI a VNI's Flow Logs lines carry (configured per VNI;
   * `-` where this gives none). Read per record, so a reload applies to the next one.
   */
  ownerOf: ((vni: number) => VniOwner | undefined) | undefined = undefined;
  /** Bytes of an unfinished last line cut when an existing file was opened to append (a kill mid-write). */
  readonly repairedBytes: number = 0;

  constructor(
    readonly path: string,
    private readonly format: FlowFormat,
    opts: FlowWriterOptions = {},
  ) {
    let existing = 0;
    if (path === '-') {
      this.fd = 1;
    } else {
      try {
        this.fd = openSync(path, opts.append ? 'a+' : 'w');
        if (opts.append) {
          const size = fstatSync(this.fd).size;
          existing = lastLineEnd(this.fd, size);
          if (existing < size) {
            ftruncateSync(this.fd, existing);
            this.repairedBytes = size - existing;
          }
        }
      } catch (e) {
        throw new InputError('E_INPUT_OPEN', path, -1, `cannot write flow records: ${writeFailure(e)}`);
      }
    }
    this.fileEmpty = existing === 0;
    this.onWriteError = opts.onWriteError;
    if (format === 'vpc-flow-log' && existing === 0) this.batch = VPC_FLOW_LOG_HEADER + '\n';
  }

  /**
   * Standard output's reader went away (`--flows - | head`): the remaining
   * records have nowhere to go, so they are counted and not written. The
   * replay goes on and its report (on stderr then) still comes out.
   */
  readerGone = false;

  write(r: FlowRecord): void {
    this.flows++;
    if (this.readerGone) return;
    if (this.format === 'jsonl') this.batch += flowToJson(r) + '\n';
    else for (const line of flowToVpcLines(r, this.ownerOf?.(r.vni))) this.batch += line + '\n';
    this.batchRecords++;
    if (this.batch.length >= BATCH_BYTES) this.flush();
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const bytes = Buffer.from(this.startNewLine ? '\n' + this.batch : this.batch);
    this.startNewLine = false;
    const records = this.batchRecords;
    this.batch = '';
    this.batchRecords = 0;
    let off = 0;
    try {
      while (off < bytes.length) off += writeSync(this.fd, bytes, off);
      this.fileEmpty = false;
    } catch (e) {
      if (this.fd === 1 && (e as NodeJS.ErrnoException).code === 'EPIPE') {
        this.readerGone = true;
        return;
      }
      const error = new OutputError(`${this.path === '-' ? 'standard output' : this.path}: cannot write flow records: ${writeFailure(e)}`);
      if (this.onWriteError === undefined) throw error;
      // Keep the file line-atomic: cut what this batch got in before it failed. From the file's
      // size now, not a size remembered: the file may have been truncated meanwhile (logrotate's
      // copytruncate), and growing it back would fill it with zero bytes.
      if (off > 0 && this.fd !== 1) {
        try {
          ftruncateSync(this.fd, Math.max(0, fstatSync(this.fd).size - off));
        } catch {
          // The tail stays; the next batch starts on a new line (below), so no record is glued to it.
          this.startNewLine = true;
        }
      }
      this.lostRecords += records;
      // A Flow Logs file that still has no line gets its header with the next batch.
      if (this.format === 'vpc-flow-log' && this.fileEmpty) this.batch = VPC_FLOW_LOG_HEADER + '\n' + this.batch;
      this.onWriteError(error, records);
    }
  }

  close(): void {
    this.flush();
    if (this.fd !== 1) closeSync(this.fd);
  }
}

/** Length of the file up to and including its last newline (0 if it has none). */
function lastLineEnd(fd: number, size: number): number {
  const chunk = Buffer.allocUnsafe(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - start, start);
    const i = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

export interface Talker {
  source: string;
  destination: string;
  bytes: number;
  packets: number;
}

/**
 * Bytes per (VNI, source address, destination address), from closed flows'
 * two directions. VNIs past --max-vnis sum into their tunnel's "other" row,
 * as every per-VNI figure does: `folder` must be the tracker's own.
 */
export class TopTalkers {
  private readonly byVni = new Map<number, Map<string, Talker>>();

  constructor(private readonly folder: VniFolder = new VniFolder()) {}

  add(r: FlowRecord): void {
    const key = this.folder.keyFor(r.tunnelType * 0x1000000 + r.vni);
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

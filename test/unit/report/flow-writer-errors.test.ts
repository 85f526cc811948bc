/**
 * FlowWriter when a write fails, as the daemon uses it (onWriteError: count,
 * go on). `writeSync` is replaced so that a batch can fail after part of it
 * reached the file (a disk that fills in the middle of a write), which
 * /dev/full cannot show (it takes no byte at all). The records come from
 * replaying suricata-verify's AWS sample: 13 flows (its oracle: 4 TCP + 9 UDP).
 */
import { mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const ctl = vi.hoisted(() => ({ mode: 'ok' as 'ok' | 'partial' | 'nospace', partialBytes: 100 }));
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const realWrite = fs.writeSync as (...args: unknown[]) => number;
  const writeSync = (fd: number, buffer: unknown, ...rest: unknown[]): number => {
    if (ctl.mode === 'ok' || !(buffer instanceof Uint8Array)) return realWrite(fd, buffer, ...rest);
    const offset = (rest[0] as number | undefined) ?? 0;
    if (ctl.mode === 'partial' && offset === 0) return realWrite(fd, buffer, 0, ctl.partialBytes);
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

const { makeDecoderConfig } = await import('../../../src/decode/decoder-config.js');
const { Pipeline } = await import('../../../src/pipeline.js');
const { replay } = await import('../../../src/replay.js');
const { FlowWriter } = await import('../../../src/report/flow-output.js');
const { SessionTracker } = await import('../../../src/session/session-tracker.js');

const SAMPLE = new URL('../../../pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap', import.meta.url).pathname;
const DIR = mkdtempSync(join(tmpdir(), 'vxmon-flow-writer-errors-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

type Writer = InstanceType<typeof FlowWriter>;

/** The sample's 13 records into the writer's batch (13 records stay below one 64 KiB batch), then one flush. */
async function writeSample(w: Writer): Promise<void> {
  const tracker = new SessionTracker({ onFlow: (r) => w.write(r) });
  await replay([SAMPLE], { decoder: makeDecoderConfig(), pipeline: new Pipeline(makeDecoderConfig(), tracker) });
  w.flush();
}

describe('FlowWriter: a batch that fails part way', () => {
  it('jsonl: the part that got in is cut from the file as it is now (after a copytruncate), no zero bytes; the next batch is whole', async () => {
    const path = join(DIR, 'a.jsonl');
    const lost: number[] = [];
    const w = new FlowWriter(path, 'jsonl', { append: true, onWriteError: (_e, n) => lost.push(n) });
    ctl.mode = 'ok';
    await writeSample(w);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(13);
    truncateSync(path, 0); // logrotate copytruncate
    ctl.mode = 'partial';
    await writeSample(w); // 100 bytes reach the file, then ENOSPC
    expect(lost).toEqual([13]);
    expect(w.lostRecords).toBe(13);
    expect(readFileSync(path).length).toBe(0); // cut back to what the file held before the batch: nothing
    ctl.mode = 'ok';
    await writeSample(w);
    w.close();
    const text = readFileSync(path, 'utf8');
    expect(text.includes('\0')).toBe(false);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(13);
    for (const l of lines) expect(() => JSON.parse(l), l.slice(0, 60)).not.toThrow();
  });

  it('vpc-flow-log: when the first batch (with the header) fails, the header comes with the next one', async () => {
    const path = join(DIR, 'b.vpc');
    const w = new FlowWriter(path, 'vpc-flow-log', { append: true, onWriteError: () => {} });
    ctl.mode = 'nospace';
    await writeSample(w);
    expect(w.lostRecords).toBe(13);
    ctl.mode = 'ok';
    await writeSample(w);
    w.close();
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^version account-id interface-id /);
    expect(lines.filter((l) => l.startsWith('version '))).toHaveLength(1);
    expect(lines.length).toBeGreaterThan(13); // a line per direction
    for (const l of lines) expect(l.split(' '), l).toHaveLength(15);
  });

  it('without onWriteError (a replay) the failure is thrown as an OutputError naming the file', async () => {
    const w = new FlowWriter(join(DIR, 'c.jsonl'), 'jsonl');
    ctl.mode = 'nospace';
    await expect(writeSample(w)).rejects.toMatchObject({ code: 'E_OUTPUT', exitCode: 5, message: `${join(DIR, 'c.jsonl')}: cannot write flow records: no space left on the device` });
    ctl.mode = 'ok';
  });
});

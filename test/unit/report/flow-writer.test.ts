/**
 * FlowWriter in append mode (the daemon's): records already in the file are
 * kept, and an unfinished last line (what SIGKILL in the middle of a
 * multi-page write(2) leaves) is cut before anything is appended, so the
 * file stays valid line by line across a crash and a restart. The records
 * come from replaying suricata-verify's AWS sample: 13 flows (4 TCP + 9 UDP,
 * the session counts of its oracle in test/integration/cli-sessions.test.ts).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDecoderConfig } from '../../../src/decode/decoder-config.js';
import { Pipeline } from '../../../src/pipeline.js';
import { replay } from '../../../src/replay.js';
import { FlowWriter } from '../../../src/report/flow-output.js';
import { SessionTracker } from '../../../src/session/session-tracker.js';
import type { FlowFormat } from '../../../src/export/flow-records.js';

const SAMPLE = new URL('../../../pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap', import.meta.url).pathname;
const DIR = mkdtempSync(join(tmpdir(), 'vxmon-flow-writer-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

async function writeSample(path: string, format: FlowFormat): Promise<FlowWriter> {
  const w = new FlowWriter(path, format, { append: true });
  const tracker = new SessionTracker({ onFlow: (r) => w.write(r) });
  await replay([SAMPLE], { decoder: makeDecoderConfig(), pipeline: new Pipeline(makeDecoderConfig(), tracker) });
  w.close();
  return w;
}

describe('FlowWriter, append mode', () => {
  it('keeps earlier records and cuts a torn last line before appending (jsonl)', async () => {
    const path = join(DIR, 'a.jsonl');
    const before = '{"earlier":1}\n{"earlier":2}\n';
    const torn = '{"tunnel":"vxlan","vni":55';
    writeFileSync(path, before + torn);
    const w = await writeSample(path, 'jsonl');
    expect(w.repairedBytes).toBe(torn.length);
    expect(w.flows).toBe(13);
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(before)).toBe(true);
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2 + 13);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
  });

  it('a file with no newline at all is emptied; a new vpc-flow-log file gets its header once', async () => {
    const path = join(DIR, 'b.log');
    writeFileSync(path, 'version account-id interf'); // a header cut mid-line
    const w = await writeSample(path, 'vpc-flow-log');
    expect(w.repairedBytes).toBe(25);
    await writeSample(path, 'vpc-flow-log'); // a restart: no second header
    const lines = readFileSync(path, 'utf8').trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('version '))).toHaveLength(1);
    expect(lines[0].startsWith('version ')).toBe(true);
    for (const l of lines) expect(l.split(' ')).toHaveLength(15);
  });

  it('without append (a replay) the file starts afresh', async () => {
    const path = join(DIR, 'c.jsonl');
    writeFileSync(path, '{"old":1}\n');
    const w = new FlowWriter(path, 'jsonl');
    w.close();
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(w.repairedBytes).toBe(0);
  });
});

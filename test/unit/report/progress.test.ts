import { describe, expect, it } from 'vitest';
import { ProgressLine } from '../../../src/report/progress.js';

/** A stand-in for process.stderr that records writes. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

describe('ProgressLine', () => {
  it('writes nothing when the stream is not a terminal', () => {
    const { writes, stream } = fakeStream(false);
    const p = new ProgressLine(stream, 0);
    p.update('a.pcap', 50, 100, 10);
    p.clear();
    expect(p.enabled).toBe(false);
    expect(writes).toEqual([]);
  });

  it('on a terminal, redraws one line with the percent of the file and clears it at the end', () => {
    const { writes, stream } = fakeStream(true);
    const p = new ProgressLine(stream, 0);
    p.update('a.pcap', 25, 100, 1000);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toMatch(/^\r\x1b\[Ka\.pcap: 25\.0%, 1000 frames, [\d.]+ M frames\/s$/);
    p.clear();
    expect(writes[1]).toBe('\r\x1b[K');
  });

  it('shows megabytes read when the size is unknown (stdin), and throttles redraws', () => {
    const { writes, stream } = fakeStream(true);
    const p = new ProgressLine(stream, 60_000);
    p.update('-', 5_000_000, -1, 10);
    p.update('-', 6_000_000, -1, 20); // within the interval: not drawn
    expect(writes).toHaveLength(1);
    expect(writes[0]).toContain('-: 5.0 MB, 10 frames');
  });
});

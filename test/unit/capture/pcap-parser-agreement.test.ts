/**
 * Every capture under pcaps/ (found recursively, recognised by its magic, not
 * its name) read by our reader and, for classic microsecond pcap, by the npm
 * `pcap-parser` package: both must agree record by record (count, seconds,
 * microseconds, captured and original length, bytes).
 *
 * pcap-parser only knows microsecond classic pcap, so nanosecond pcap and
 * pcapng are only read by ours (which must read them without error).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FrameSink } from '../../../src/capture/frame-source.js';
import { readCaptureFile } from '../../../src/capture/pcap-file-source.js';

const require = createRequire(import.meta.url);
const pcapParser = require('pcap-parser') as {
  parse(input: string): NodeJS.EventEmitter;
};

const PCAPS = fileURLToPath(new URL('../../../pcaps', import.meta.url));

interface Rec {
  sec: number;
  usec: number;
  capLen: number;
  wireLen: number;
  data: string;
}

type Kind = 'pcap-us' | 'pcap-ns' | 'pcapng';

function kindOf(file: string): Kind | null {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(4);
    if (fs.readSync(fd, b, 0, 4, 0) < 4) return null;
    switch (b.readUInt32BE(0)) {
      case 0xa1b2c3d4:
      case 0xd4c3b2a1:
        return 'pcap-us';
      case 0xa1b23c4d:
      case 0x4d3cb2a1:
        return 'pcap-ns';
      case 0x0a0d0d0a:
        return 'pcapng';
      default:
        return null;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function findCaptures(dir: string): Array<[string, Kind]> {
  if (!fs.existsSync(dir)) return [];
  const out: Array<[string, Kind]> = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findCaptures(p));
    else if (entry.isFile()) {
      const kind = kindOf(p);
      if (kind !== null) out.push([p, kind]);
    }
  }
  return out.sort((a, b) => a[0].localeCompare(b[0]));
}

async function ours(file: string): Promise<Rec[]> {
  const recs: Rec[] = [];
  const sink: FrameSink = {
    onFrame(buf, offset, capLen, wireLen, sec, nsec) {
      recs.push({ sec, usec: nsec / 1000, capLen, wireLen, data: buf.toString('hex', offset, offset + capLen) });
    },
  };
  const stats = await readCaptureFile(file, sink);
  expect(stats.frames).toBe(recs.length);
  return recs;
}

function theirs(file: string): Promise<Rec[]> {
  return new Promise((resolve, reject) => {
    const recs: Rec[] = [];
    let failed = false;
    const parser = pcapParser.parse(file);
    // Without an 'error' listener an error event would crash the process.
    parser.on('error', (e: Error) => {
      failed = true;
      reject(e);
    });
    parser.on('packet', (p: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }) => {
      recs.push({
        sec: p.header.timestampSeconds,
        usec: p.header.timestampMicroseconds,
        capLen: p.header.capturedLength,
        wireLen: p.header.originalLength,
        data: p.data.toString('hex'),
      });
    });
    parser.on('end', () => {
      if (!failed) resolve(recs);
    });
  });
}

const captures = findCaptures(PCAPS);

describe('agreement with pcap-parser on pcaps/', () => {
  it('pcaps/ holds at least one capture file', () => {
    expect(captures.length, `no pcap/pcapng files found under ${PCAPS}`).toBeGreaterThan(0);
  });

  for (const [file, kind] of captures) {
    const rel = path.relative(PCAPS, file);
    if (kind === 'pcap-us') {
      it(`${rel}: same records as pcap-parser`, async () => {
        const [a, b] = await Promise.all([ours(file), theirs(file)]);
        expect(a.length).toBe(b.length);
        for (let i = 0; i < a.length; i++) {
          // one record at a time, so a failure names the record instead of dumping the file
          expect(a[i], `record ${i}`).toEqual(b[i]);
        }
      });
    } else {
      it(`${rel}: ${kind} read without error (pcap-parser cannot read it)`, async () => {
        const a = await ours(file);
        expect(a.length).toBeGreaterThanOrEqual(0);
      });
    }
  }
});

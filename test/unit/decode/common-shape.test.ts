/**
 * The common-shape function (src/decode/common-shape.ts) against the
 * layered decoder, which is the reference: for every frame, decodeFrame with
 * the common shape first and with the layers only (a config with
 * commonShape false) must return the
 * same outcome and leave every field of the view the same. Compared twice:
 * in fresh views (a field the function writes and the layers do not would
 * differ from its initial value) and in two views reused across all frames
 * (what the pipeline does: stale fields of earlier frames must match too).
 *
 * Frames: every record of every capture in pcaps/, then, for frames of the
 * common shape, every prefix, and every one of the first 120 bytes set to
 * values chosen to cross each check the function makes (version/IHL,
 * EtherTypes, fragment bits, protocol, ports, lengths, VXLAN flags and
 * reserved bits, TCP data offset and options), under four decoder configs.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkType } from '../../../src/capture/frame-source.js';
import { readCaptureFile } from '../../../src/capture/pcap-file-source.js';
import { NOT_COMMON_SHAPE, decodeCommonShape } from '../../../src/decode/common-shape.js';
import { type DecoderConfig, makeDecoderConfig } from '../../../src/decode/decoder-config.js';
import { decodeFrame } from '../../../src/decode/decoder.js';
import { Outcome } from '../../../src/decode/outcome.js';
import { PacketView } from '../../../src/decode/packet-view.js';
import * as F from './fixtures.js';

const PCAPS = path.resolve(__dirname, '../../../pcaps');

const CONFIG_OPTIONS: [string, Parameters<typeof makeDecoderConfig>[0]][] = [
  ['default', {}],
  ['strict reserved bits', { reservedPolicy: 'strict' }],
  // 4789 is Geneve here: the function must leave VXLAN's port to the config.
  ['4789 as Geneve, 8472 as VXLAN', { vxlanPorts: [8472], genevePorts: [4789, 6081] }],
  ['no nesting', { maxTunnelDepth: 1 }],
];
const CONFIGS: [string, DecoderConfig][] = CONFIG_OPTIONS.map(([name, o]) => [name, makeDecoderConfig(o)]);
/** Each config's twin with the common shape off: the layers alone. */
const LAYERS_ONLY = new Map(CONFIG_OPTIONS.map(([, o], i) => [CONFIGS[i][1], makeDecoderConfig({ ...o, commonShape: false })]));

interface Frame {
  buf: Buffer;
  offset: number;
  capturedLength: number;
  wireLength: number;
  linkType: number;
  where: string;
}

function captureFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...captureFiles(p));
    else if (/\.(pcap|pcapng)$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

async function framesOf(file: string): Promise<Frame[]> {
  const frames: Frame[] = [];
  const sink = {
    onFrame(buf: Buffer, offset: number, capturedLength: number, wireLength: number, _s: number, _ns: number, linkType: number) {
      // The reader reuses its chunk: keep a copy of each frame, at offset 0 of its own Buffer.
      const copy = Buffer.from(buf.subarray(offset, offset + capturedLength));
      frames.push({ buf: copy, offset: 0, capturedLength, wireLength, linkType, where: `${path.relative(PCAPS, file)} #${frames.length + 1}` });
    },
  };
  await readCaptureFile(file, sink);
  return frames;
}

/** The view's data fields (the private DataView cache is not enumerable). */
function fieldsOf(view: PacketView): Record<string, unknown> {
  return { ...view };
}

/** The first field that differs, or '' when the views agree. */
function difference(a: PacketView, b: PacketView): string {
  const fa = fieldsOf(a);
  const fb = fieldsOf(b);
  for (const k of Object.keys(fb)) {
    if (!Object.is(fa[k], fb[k])) return `${k}: common shape ${String(fa[k])}, layers ${String(fb[k])}`;
  }
  return '';
}

/** Decodes `f` both ways into fresh views and into the two reused ones; returns what differs ('' when nothing). */
class Comparer {
  readonly reusedFast = new PacketView();
  readonly reusedLayered = new PacketView();
  compared = 0;
  tookCommonShape = 0;

  compare(f: Frame, config: DecoderConfig): string {
    this.compared++;
    const layers = LAYERS_ONLY.get(config)!;
    const fast = new PacketView();
    const layered = new PacketView();
    const a = decodeFrame(f.buf, f.offset, f.capturedLength, f.wireLength, f.linkType, fast, config);
    const b = decodeFrame(f.buf, f.offset, f.capturedLength, f.wireLength, f.linkType, layered, layers);
    if (a !== b) return `outcome: common shape ${a}, layers ${b}`;
    const fresh = difference(fast, layered);
    if (fresh !== '') return `fresh views: ${fresh}`;
    const ra = decodeFrame(f.buf, f.offset, f.capturedLength, f.wireLength, f.linkType, this.reusedFast, config);
    const rb = decodeFrame(f.buf, f.offset, f.capturedLength, f.wireLength, f.linkType, this.reusedLayered, layers);
    if (ra !== a || rb !== b) return `reused views: outcomes ${ra} / ${rb}, fresh ${a}`;
    const reused = difference(this.reusedFast, this.reusedLayered);
    if (reused !== '') return `reused views: ${reused}`;
    if (isCommonShape(f, config)) this.tookCommonShape++;
    return '';
  }
}

function isCommonShape(f: Frame, config: DecoderConfig): boolean {
  if (f.linkType !== LinkType.ETHERNET) return false;
  const view = new PacketView();
  view.reset(f.linkType, f.offset, f.capturedLength, f.wireLength);
  const end = Math.min(f.offset + f.capturedLength, f.buf.length);
  return decodeCommonShape(view.dataViewOf(f.buf), f.offset, end, view, config.tunnelByPort) !== NOT_COMMON_SHAPE;
}

/** Byte values that cross the checks of common-shape.ts at the positions that hold its fields. */
function variantsOf(orig: number): number[] {
  return [...new Set([0x00, 0xff, 0x45, 0x46, 0x08, 0x11, 0x06, 0x01, 0x12, 0x50, 0x80, orig ^ 0x01, orig ^ 0x20, (orig + 1) & 0xff])];
}

describe('common shape: the same outcome and view as the layered decoder', () => {
  it('on every frame of every capture in pcaps/, under four configs', async () => {
    const files = captureFiles(PCAPS);
    expect(files.length).toBeGreaterThan(40);
    const cmp = new Comparer();
    const failures: string[] = [];
    for (const file of files) {
      for (const f of await framesOf(file)) {
        for (const [name, config] of CONFIGS) {
          const d = cmp.compare(f, config);
          if (d !== '' && failures.length < 10) failures.push(`${f.where} (${name}): ${d}`);
        }
      }
    }
    expect(failures).toEqual([]);
    // The comparison means something only if the common shape was taken, and not only that.
    expect(cmp.tookCommonShape).toBeGreaterThan(1000);
    expect(cmp.tookCommonShape).toBeLessThan(cmp.compared);
  }, 120_000);

  it('on every prefix and single-byte change of common-shape frames', async () => {
    // Seeds: frames that take the common shape, one per capture and inner protocol (and TCP header length).
    const seeds: Frame[] = [];
    const perProto = new Map<string, number>();
    for (const file of captureFiles(PCAPS)) {
      for (const f of await framesOf(file)) {
        if (!isCommonShape(f, CONFIGS[0][1])) continue;
        const proto = f.buf[14 + 20 + 8 + 8 + 14 + 9];
        const tcpOptions = proto === 6 ? f.buf[14 + 20 + 8 + 8 + 14 + 20 + 12] >> 4 : 0;
        const key = `${path.relative(PCAPS, file)}/${proto}/${tcpOptions}`;
        if (perProto.has(key)) continue;
        perProto.set(key, 1);
        seeds.push(f);
      }
    }
    // TCP without options, TCP with timestamps, UDP and ICMP are all among them.
    const kinds = new Set([...perProto.keys()].map((k) => k.split('/').slice(-2).join('/')));
    expect([...kinds].sort()).toEqual(expect.arrayContaining(['1/0', '17/0', '6/5', '6/8']));

    const cmp = new Comparer();
    const failures: string[] = [];
    const note = (f: Frame, what: string, name: string, d: string) => {
      if (d !== '' && failures.length < 10) failures.push(`${f.where} ${what} (${name}): ${d}`);
    };
    for (const seed of seeds) {
      for (const [name, config] of CONFIGS) {
        for (let n = 0; n <= seed.capturedLength; n++) {
          note(seed, `cut to ${n}`, name, cmp.compare({ ...seed, capturedLength: n }, config));
        }
        // The frame at the very end of its Buffer, its captured length claiming more.
        note(seed, 'past the Buffer', name, cmp.compare({ ...seed, capturedLength: seed.capturedLength + 64 }, config));
        const limit = Math.min(seed.capturedLength, 120);
        for (let i = 0; i < limit; i++) {
          for (const v of variantsOf(seed.buf[i])) {
            const buf = Buffer.from(seed.buf);
            buf[i] = v;
            note(seed, `byte ${i} = 0x${v.toString(16)}`, name, cmp.compare({ ...seed, buf }, config));
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(cmp.tookCommonShape).toBeGreaterThan(cmp.compared / 4);
  }, 120_000);

  it('takes fixtures of the shape and returns decoded', () => {
    // fixtures.ts annotates these byte by byte: outer Ethernet/IPv4/UDP 4789/VXLAN 0x08, inner IPv4.
    const config = makeDecoderConfig();
    for (const frame of [F.INNER_ICMP_ECHO, F.AWS_PACKETLENGTH_CUT, F.INNER_PADDED_WITH_FCS]) {
      const f: Frame = { buf: Buffer.from(frame), offset: 0, capturedLength: frame.length, wireLength: frame.length, linkType: LinkType.ETHERNET, where: '' };
      expect(isCommonShape(f, config)).toBe(true);
      expect(decodeFrame(f.buf, 0, f.capturedLength, f.wireLength, f.linkType, new PacketView(), config)).toBe(Outcome.DECODED);
    }
    // A VLAN tag, IPv6 inside, a fragment: left to the layers.
    for (const frame of [F.OUTER_QINQ_UDP, F.INNER_VLAN_UDP, F.INNER_IPV6_HBH_FRAG, F.INNER_IPV4_FIRST_FRAGMENT]) {
      const f: Frame = { buf: Buffer.from(frame), offset: 0, capturedLength: frame.length, wireLength: frame.length, linkType: LinkType.ETHERNET, where: '' };
      expect(isCommonShape(f, config)).toBe(false);
    }
  });
});

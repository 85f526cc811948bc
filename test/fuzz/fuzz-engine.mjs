/**
 * The pipeline fuzzer's engine, shared by `npm run fuzz` (bench/fuzz.mjs,
 * which hands it the compiled modules of dist/) and the time-boxed property
 * test (test/property/pipeline-fuzz.test.ts, which hands it src/ through
 * vitest). It takes the modules as an argument so both run the same code
 * against the same pipeline `vxmon replay` builds: decoder, session tracker
 * with a small table (evictions), VNI folding, flow-record formatting.
 *
 * Seeds are the frames of every capture under pcaps/. A case is one seed
 * frame plus a few mutations aimed at the fields a hostile sender controls:
 * bit flips and byte writes anywhere, lies in the length fields the decoder
 * trusts (IPv4 IHL and total length, IPv6 payload length, next header and
 * extension-header length, UDP length, TCP data offset), the VXLAN flags,
 * reserved bits and VNI, the inner tuple (so sessions keep being created),
 * a cut captured length, a wire length that disagrees, the wrong link type.
 * The field positions come from decoding the untouched seed once; the
 * decoder only tells the fuzzer where to aim, never what to expect.
 *
 * File cases wrap 1-3 mutated frames in a classic pcap written here, then
 * lie in its headers (magic, version, snap length, link type, captured
 * length, original length) and cut it anywhere, and feed it through the
 * real CaptureReader: the only acceptable failure is an InputError.
 *
 * Everything is driven by a 32-bit PRNG (mulberry32), so a (seed, batch)
 * pair replays exactly.
 */

/** mulberry32: small, fast, and good enough to steer mutations. */
export function makeRng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    u32: () => Math.floor(next() * 4294967296) >>> 0,
  };
}

/** Seed for batch `batch` of run `seed` (so one batch replays without the others). */
export function batchSeed(seed, batch) {
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(batch + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x27d4eb2d);
  return (h ^ (h >>> 15)) >>> 0;
}

const MAX_SEED_FRAME = 4096; // bigger seed frames add time, not coverage
const IPV6_EXT = new Set([0, 43, 44, 51, 60]);

/**
 * Reads every capture into seed frames: {name, bytes, linkType, fields},
 * where `fields` lists the positions of length-like fields (u16 and u8) and
 * the VXLAN header, found by one decode of the untouched frame.
 */
export async function loadSeeds(lib, files) {
  const seeds = [];
  for (const file of files) {
    const frames = [];
    const sink = {
      onFrame(buf, off, cap, wire, _s, _ns, linkType) {
        if (cap > 0 && cap <= MAX_SEED_FRAME) frames.push({ bytes: Buffer.from(buf.subarray(off, off + cap)), wire, linkType });
      },
    };
    try {
      await lib.readCaptureFile(file, sink);
    } catch (e) {
      if (!(e instanceof lib.InputError)) throw e; // a deliberately cut corpus file still seeds what it has
    }
    // at most 64 frames per file: enough shapes, and small files keep their weight
    const step = Math.max(1, Math.floor(frames.length / 64));
    for (let i = 0; i < frames.length; i += step) seeds.push({ name: `${file}#${i}`, ...frames[i], fields: fieldsOf(lib, frames[i]) });
  }
  return seeds;
}

function fieldsOf(lib, frame) {
  const view = new lib.PacketView();
  lib.decodeFrame(frame.bytes, 0, frame.bytes.length, frame.wire, frame.linkType, view, FUZZ_DECODER(lib));
  const u16 = [];
  const u8 = [];
  const b = frame.bytes;
  const ip = (l3) => {
    if (l3 <= 0 && !(l3 === 0 && (frame.linkType === 101 || frame.linkType === 228 || frame.linkType === 229))) return;
    if (l3 + 1 > b.length) return;
    const version = b[l3] >> 4;
    if (version === 4) {
      u8.push(l3); // version + IHL
      if (l3 + 4 <= b.length) u16.push(l3 + 2); // total length
      if (l3 + 8 <= b.length) u16.push(l3 + 6); // flags + fragment offset
      if (l3 + 10 <= b.length) u8.push(l3 + 9); // protocol
    } else if (version === 6) {
      if (l3 + 6 <= b.length) u16.push(l3 + 4); // payload length
      if (l3 + 7 <= b.length) u8.push(l3 + 6); // next header
      if (l3 + 42 <= b.length && IPV6_EXT.has(b[l3 + 6])) u8.push(l3 + 40, l3 + 41); // first extension: next header, length
    }
  };
  ip(view.outerL3Offset);
  if (view.outerL4Offset > 0 && view.outerL4Offset + 6 <= b.length) u16.push(view.outerL4Offset + 2, view.outerL4Offset + 4);
  ip(view.innerL3Offset);
  const l4 = view.l4Offset;
  if (l4 > 0) {
    if (l4 + 6 <= b.length) u16.push(l4 + 4); // UDP length (or TCP seq bytes: harmless)
    if (l4 + 13 <= b.length) u8.push(l4 + 12, l4 + 13); // TCP data offset, flags
  }
  const inner = view.innerL3Offset > 0 ? view.innerL3Offset : -1;
  return { u16, u8, vxlan: view.tunnelOffset > 0 ? view.tunnelOffset : -1, inner, l4: l4 > 0 ? l4 : -1, ipv: view.innerIpVersion };
}

let decoderConfig;
/** VXLAN on 4789 (AWS) and 8472 (Linux's default), so the 8472 corpus capture reaches the inner layers too. */
export function FUZZ_DECODER(lib) {
  decoderConfig ??= lib.makeDecoderConfig({ vxlanPorts: [4789, 8472] });
  return decoderConfig;
}

/** The objects `vxmon replay` builds (replay-command.ts), with small bounds so eviction and folding run. */
export function makePipeline(lib, { maxSessions = 1000, maxVnis = 16, flowFormat = 'jsonl' } = {}) {
  const formatted = { flows: 0, bytes: 0 };
  const tracker = new lib.SessionTracker({
    folder: new lib.VniFolder(maxVnis),
    maxSessions,
    timeouts: { ...lib.DEFAULT_TIMEOUTS },
    onFlow: (r) => {
      formatted.flows++;
      if (flowFormat === 'jsonl') formatted.bytes += lib.flowToJson(r).length;
      else for (const l of lib.flowToVpcLines(r, undefined)) formatted.bytes += l.length;
    },
  });
  const pipeline = new lib.Pipeline(FUZZ_DECODER(lib), tracker);
  return { pipeline, tracker, formatted, maxSessions };
}

const SCRATCH = Buffer.alloc(MAX_SEED_FRAME + 64);

/**
 * Applies one mutated case to `scratch` and returns the captured length; a
 * case is a plain object so fast-check can build (and shrink) one too:
 *   {seed, muts: [{k, a, b}], cut, wireDelta, link}
 * k: 0 flip bit b of byte a, 1 write byte b at a, 2 u16 field a := b,
 *    3 u8 field a := b, 4 VXLAN flags/reserved/VNI from a and b,
 *    5 inner tuple bytes from a (new sessions), 6 drop to the VXLAN payload
 *    (the UDP socket source's view of the frame).
 */
export function applyCase(seeds, c, scratch = SCRATCH) {
  const s = seeds[c.seed % seeds.length];
  const src = s.bytes;
  let start = 0;
  let n = src.length;
  src.copy(scratch, 0, 0, n);
  let link = s.linkType;
  const f = s.fields;
  for (const m of c.muts) {
    switch (m.k) {
      case 0:
        scratch[m.a % n] ^= 1 << (m.b & 7);
        break;
      case 1:
        scratch[m.a % n] = m.b & 0xff;
        break;
      case 2:
        if (f.u16.length > 0) {
          const o = f.u16[m.a % f.u16.length];
          // lies near the truth are the interesting ones
          const v = m.b & 0x10000 ? ((scratch[o] << 8) | scratch[o + 1]) + ((m.b & 0xff) - 128) : m.b;
          scratch[o] = (v >> 8) & 0xff;
          scratch[o + 1] = v & 0xff;
        }
        break;
      case 3:
        if (f.u8.length > 0) scratch[f.u8[m.a % f.u8.length]] = m.b & 0xff;
        break;
      case 4:
        if (f.vxlan >= 0 && f.vxlan + 8 <= n) {
          const o = f.vxlan;
          scratch[o] = m.a & 1 ? 0x08 : m.a >>> 24; // mostly a valid I flag
          if (m.a & 2) {
            scratch[o + 1] = m.b >>> 24;
            scratch[o + 2] = m.b >>> 16;
            scratch[o + 3] = m.b >>> 8;
            scratch[o + 7] = m.b;
          }
          const vni = m.a & 4 ? (m.b >>> 8) & 0xffffff : (m.b >>> 8) & 0x3f; // all 2^24, or a few that repeat
          scratch[o + 4] = vni >>> 16;
          scratch[o + 5] = vni >>> 8;
          scratch[o + 6] = vni;
        }
        break;
      case 5:
        if (f.inner >= 0) {
          // IPv4: source address low 16 bits; IPv6: source low 32 bits; and the L4 source port
          const o = f.ipv === 6 ? f.inner + 20 : f.inner + 14;
          if (o + 2 <= n) {
            scratch[o] = m.a >>> 8;
            scratch[o + 1] = m.a;
          }
          if (f.l4 >= 0 && f.l4 + 2 <= n) {
            scratch[f.l4] = m.b >>> 8;
            scratch[f.l4 + 1] = m.b;
          }
        }
        break;
      case 6:
        if (f.vxlan >= 0) {
          start = f.vxlan;
          link = 0x10001; // LinkType.VXLAN_PAYLOAD
        }
        break;
    }
  }
  let captured = n - start;
  if (c.cut >= 0) captured = c.cut % (captured + 1);
  if (c.link >= 0) link = c.link;
  // the wire length: usually the seed's, sometimes a lie either way
  const wire = Math.max(0, s.wire - start + c.wireDelta);
  return { start, captured, wire, link };
}

/** One random case from the PRNG (the bench's generator; the test has a fast-check one). */
export function randomCase(rng, seedCount) {
  const muts = [];
  const count = rng.int(4);
  for (let i = 0; i < count; i++) {
    const k = rng.int(20);
    // weights: tuple changes and VXLAN fields often (sessions, VNIs), the rest spread
    const kind = k < 4 ? 5 : k < 7 ? 4 : k < 10 ? 2 : k < 12 ? 3 : k < 15 ? 0 : k < 17 ? 1 : k < 18 ? 6 : 5;
    muts.push({ k: kind, a: rng.u32(), b: kind === 2 ? rng.int(0x20000) : rng.u32() });
  }
  return {
    seed: rng.int(seedCount),
    muts,
    cut: rng.int(6) === 0 ? rng.int(4096) : -1,
    wireDelta: rng.int(8) === 0 ? rng.int(4000) - 2000 : 0,
    link: rng.int(64) === 0 ? [1, 101, 113, 228, 229, 276, 0x10001, rng.int(70000)][rng.int(8)] : -1,
  };
}

/** A failing frame, as printed and as written to a regression file. */
export class FuzzFailure extends Error {
  constructor(message, details) {
    super(message);
    this.details = details;
  }
}

/**
 * Runs `count` frames of one batch through `p` (from makePipeline). Time
 * moves forward by a random step per frame, with rare jumps (timeouts,
 * sweeps) and steps back (a clock that is not monotonic). Throws FuzzFailure
 * on an escaped exception, an internal_error outcome, or a broken invariant.
 */
export function runFrameBatch(lib, p, seeds, rng, count, clock, makeCase = (r) => randomCase(r, seeds.length)) {
  const pipeline = p.pipeline;
  const internal = lib.OUTCOME_NAMES.indexOf('internal_error');
  const before = pipeline.decoderStats.frames;
  for (let i = 0; i < count; i++) {
    const c = makeCase(rng);
    const { start, captured, wire, link } = applyCase(seeds, c);
    const jump = rng.int(1000);
    clock.us += jump === 0 ? 400e6 : jump === 1 ? -5e6 : rng.int(2000);
    if (clock.us < 0) clock.us = 0;
    const sec = Math.floor(clock.us / 1e6);
    const nsec = (clock.us % 1e6) * 1000;
    let outcome;
    try {
      outcome = pipeline.onFrame(SCRATCH, start, captured, wire, sec, nsec, link);
    } catch (e) {
      throw failure(`exception escaped the pipeline: ${e?.stack ?? e}`, c, start, captured, wire, link);
    }
    if (outcome === internal) throw failure('decoder threw (counted as internal_error)', c, start, captured, wire, link);
  }
  checkInvariants(lib, p, before + count);
}

function failure(message, c, start, captured, wire, link) {
  return new FuzzFailure(message, { case: c, linkType: link, wireLength: wire, hex: SCRATCH.subarray(start, start + captured).toString('hex') });
}

/** After each batch: every frame counted once, the session table within its bound. */
export function checkInvariants(lib, p, expectedFrames) {
  const stats = p.pipeline.decoderStats;
  let sum = 0;
  for (let i = 0; i < stats.byOutcome.length; i++) sum += stats.byOutcome[i];
  const decoded = stats.byOutcome[0];
  if (sum !== expectedFrames || stats.frames !== expectedFrames) {
    throw new FuzzFailure(`accounting: fed ${expectedFrames} frames, decoded ${decoded} + drops ${sum - decoded} = ${sum}`, {});
  }
  const live = p.tracker.liveSessions;
  if (live > p.maxSessions) throw new FuzzFailure(`session table holds ${live} sessions, bound ${p.maxSessions}`, {});
}

/** A classic pcap holding `frames` ({bytes, linkType}), little-endian µs, written here byte by byte. */
export function writePcap(frames, linkType, snap = 65535) {
  const parts = [];
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(snap, 16);
  g.writeUInt32LE(linkType, 20);
  parts.push(g);
  let t = 1_700_000_000;
  for (const f of frames) {
    const h = Buffer.alloc(16);
    h.writeUInt32LE(t++, 0);
    h.writeUInt32LE(f.length, 8);
    h.writeUInt32LE(f.length, 12);
    parts.push(h, f);
  }
  return Buffer.concat(parts);
}

/**
 * One file case: a pcap of 1-3 mutated frames whose headers lie, fed
 * through CaptureReader in random-sized pieces. Returns the frames the
 * parser delivered (so the caller's accounting includes them).
 */
export function runFileCase(lib, p, seeds, rng) {
  const frames = [];
  const n = 1 + rng.int(3);
  let linkType = 1;
  for (let i = 0; i < n; i++) {
    const c = randomCase(rng, seeds.length);
    c.link = -1;
    const { start, captured, link } = applyCase(seeds, c);
    if (i === 0) linkType = link === 0x10001 ? 1 : link;
    frames.push(Buffer.from(SCRATCH.subarray(start, start + captured)));
  }
  const file = writePcap(frames, linkType);
  const lie = rng.int(10);
  const recs = [];
  for (let o = 24, i = 0; i < frames.length; i++) {
    recs.push(o);
    o += 16 + frames[i].length;
  }
  const rec = recs[rng.int(recs.length)];
  const u32 = [0, 1, 0xffff, 0x40000, 0x40001, 0x7fffffff, 0xffffffff, rng.u32()][rng.int(8)];
  switch (lie) {
    case 0: file.writeUInt32BE([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a, rng.u32()][rng.int(6)], 0); break; // magic
    case 1: file.writeUInt16LE(rng.int(65536), 4 + 2 * rng.int(2)); break; // version
    case 2: file.writeUInt32LE(u32, 16); break; // snap length
    case 3: file.writeUInt32LE(u32, 20); break; // link type (high bits: FCS info)
    case 4: file.writeUInt32LE(u32, rec + 8); break; // captured length
    case 5: file.writeUInt32LE(u32, rec + 12); break; // original length
    case 6: file.writeUInt32LE(u32, rec + 4); break; // µs field out of range
    default: break; // an honest file (maybe cut below)
  }
  const end = rng.int(4) === 0 ? rng.int(file.length + 1) : file.length;
  const sink = {
    delivered: 0,
    onFrame(buf, off, cap, wire, s, ns, lt) {
      this.delivered++;
      return p.pipeline.onFrame(buf, off, cap, wire, s, ns, lt);
    },
  };
  const reader = new lib.CaptureReader('fuzz.pcap', sink, 64 + rng.int(1024));
  try {
    let o = 0;
    while (o < end) {
      const k = Math.min(end - o, 1 + rng.int(700));
      reader.feed(file.subarray(o, o + k));
      o += k;
    }
    reader.finish();
  } catch (e) {
    if (!(e instanceof lib.InputError)) {
      throw new FuzzFailure(`file case: ${e?.stack ?? e}`, { pcapHex: file.subarray(0, end).toString('hex') });
    }
    if (!/^fuzz\.pcap: (at byte \d+: )?\S/.test(e.message) || e.message.includes('\n')) {
      throw new FuzzFailure(`file case: malformed error message ${JSON.stringify(e.message)}`, { pcapHex: file.subarray(0, end).toString('hex') });
    }
  }
  return sink.delivered;
}

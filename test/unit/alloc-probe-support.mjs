// Shared by the allocation probes (decode/no-alloc.mjs, pipeline-no-alloc.mjs,
// export/frame-queue-no-alloc.mjs), which each run in a `node --expose-gc`
// process of their own (alloc-probe.ts starts them).
import { readFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import v8 from 'node:v8';

/**
 * The records of a classic little-endian pcap (24-byte global header, 16-byte
 * record headers), read whole: the file's Buffer, its link type, and each
 * record's data offset and captured length.
 */
export function classicPcapRecords(file) {
  const buf = readFileSync(file);
  const offsets = [];
  const lengths = [];
  for (let o = 24; o + 16 <= buf.length; ) {
    const caplen = buf.readUInt32LE(o + 8);
    offsets.push(o + 16);
    lengths.push(caplen);
    o += 16 + caplen;
  }
  return { buf, linkType: buf.readUInt32LE(20), off: Int32Array.from(offsets), len: Int32Array.from(lengths), count: offsets.length };
}

/** Starts recording garbage collections; `between(t0, t1)` stops and counts those that started in [t0, t1]. */
export function watchGc() {
  const starts = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) starts.push(e.startTime);
  });
  observer.observe({ entryTypes: ['gc'] });
  return {
    async between(t0, t1) {
      // gc entries are delivered asynchronously; let them arrive.
      await new Promise((resolve) => setTimeout(resolve, 50));
      observer.disconnect();
      return starts.filter((t) => t >= t0 && t <= t1).length;
    },
  };
}

/**
 * Bytes in use in the young generation: where V8 puts every short-lived
 * object, so the garbage a per-frame allocation would leave. (Compiled code,
 * feedback and deoptimization data, which grow when the optimizing compiler
 * works late, go to the other spaces; heapUsed counts both.)
 */
export function youngGenerationUsed() {
  let young = 0;
  for (const s of v8.getHeapSpaceStatistics()) {
    if (s.space_name === 'new_space' || s.space_name === 'new_large_object_space') young += s.space_used_size;
  }
  return young;
}

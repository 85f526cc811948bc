/**
 * `vxmon replay FILE --openmetrics OUT [--step 15s]`: the metric series of a
 * replay sampled every step of capture time, in the OpenMetrics 1.0 text
 * format that `promtool tsdb create-blocks-from openmetrics OUT DIR` turns
 * into Prometheus blocks (https://prometheus.io/docs/specs/om/open_metrics_spec/).
 *
 * What the format asks and how it is met:
 * - Timestamps are seconds since 1970, with decimals (never milliseconds:
 *   promtool would read those as seconds and land in the year 58864).
 * - All samples of one metric family are contiguous, and within a family the
 *   points of one labelset come together, in time order. A replay produces
 *   them step after step, so they are spooled to a temporary binary file (one
 *   Float64Array of a family's values per step) and written family by family
 *   at the end, transposed in blocks of at most MAX_BLOCK_VALUES numbers.
 *   Memory holds: each family's labelsets (bounded by --max-vnis), two
 *   numbers per family per step (where its values sit in the spool), and one
 *   block; the samples themselves stay on disk.
 * - No blank line anywhere, `# EOF` at the end.
 *
 * Every sample comes from the same registry a scrape reads (our own metrics,
 * without prom-client's process ones, which describe the replaying process and
 * not the capture), taken when the replay reaches a step boundary: the numbers
 * after every frame captured before it. A last sample is taken at the end of
 * the capture, after the replay closed its sessions. In a gap between
 * frames, samples go on for Prometheus's 5-minute staleness window, then
 * resume at the last boundary before the next frame.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepSampler } from './timed-replay.js';
import { OutputError, writeFailure } from '../errors.js';

/** Prometheus's default lookback: a series with no sample for this long is absent from queries. */
const STALENESS_SECONDS = 300;

/** Largest block of spooled numbers read back at once (32 MiB). */
const MAX_BLOCK_VALUES = 4 * 1024 * 1024;

/** What prom-client's getMetricsAsJSON() gives for one metric. */
interface MetricJson {
  name: string;
  help: string;
  type: string;
  values: { value: number; labels: Record<string, string | number>; metricName?: string }[];
}

/** One metric family: its labelsets ("groups") in order of first appearance, and where each step's values are. */
class Family {
  readonly groupOf = new Map<string, number>();
  /** Per group, the sample names with labels (`name{a="b",le="1"}`), in the order their values are spooled. */
  readonly shapes: string[][] = [];
  /** starts[g]: index of group g's first value in a step's values; starts[groups] = values per step. */
  readonly starts: number[] = [0];
  /** Per step: the spool byte offset of this family's values and how many groups existed then. */
  readonly stepOffset: number[] = [];
  readonly stepGroups: number[] = [];

  constructor(
    readonly name: string,
    readonly type: string,
    readonly help: string,
  ) {}
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Seconds with at most millisecond decimals (Prometheus stores milliseconds). */
function formatTimestamp(t: number): string {
  return t.toFixed(3).replace(/\.?0+$/, '');
}

export class OpenMetricsBackfill implements StepSampler {
  nextAt = NaN;
  private stepIndex = 0;
  /** Samples taken in a row while the same frame waited (a gap), and that frame's time. */
  private gapSamples = 0;
  private gapFrameTime = NaN;
  /** Samples kept in a gap: enough to cover Prometheus's 5-minute lookback (--query.lookback-delta) and one more. */
  private readonly gapLimit: number;
  /** Timestamps (seconds) of the samples taken. */
  private readonly times: number[] = [];
  private readonly families = new Map<string, Family>();
  private readonly spool: number;
  private spoolSize = 0;

  constructor(
    /** Our own metrics (MetricsRegistries.ownOpenMetrics): the numbers a scrape reads. */
    private readonly registry: { getMetricsAsJSON(): Promise<unknown> },
    /** An open, empty file descriptor the result is written to. */
    private readonly out: number,
    readonly stepSeconds: number,
    /** How errors name the output: the --openmetrics path. */
    private readonly outName: string = 'the --openmetrics file',
  ) {
    this.gapLimit = Math.ceil(STALENESS_SECONDS / stepSeconds) + 1;
    // An anonymous file: unlinked (with its directory) as soon as it is open, so
    // the spool disappears with the descriptor however the process ends (a crash
    // or SIGKILL used to leave it, as large as the samples, in the temp directory).
    let dir: string | undefined;
    try {
      dir = mkdtempSync(join(tmpdir(), 'vxmon-openmetrics-'));
      this.spool = openSync(join(dir, 'spool'), 'w+');
    } catch (e) {
      throw this.spoolError(e);
    } finally {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    }
  }

  start(t: number): void {
    // Boundaries are whole multiples of the step (like aligned scrapes); the first one after the first frame.
    this.stepIndex = Math.floor(t / this.stepSeconds) + 1;
    this.nextAt = this.stepIndex * this.stepSeconds;
  }

  async sample(pendingFrameTime: number): Promise<void> {
    await this.record(Math.round(this.nextAt * 1000) / 1000);
    this.stepIndex++;
    // A gap in the capture (the same frame still pending): sample on through
    // Prometheus's staleness window, then jump to the last boundary before the
    // frame, so an hours-long silence (or a bogus timestamp) costs a few
    // samples, not one per step.
    if (pendingFrameTime === this.gapFrameTime) this.gapSamples++;
    else {
      this.gapFrameTime = pendingFrameTime;
      this.gapSamples = 1;
    }
    if (this.gapSamples >= this.gapLimit) {
      const lastBefore = Math.floor(pendingFrameTime / this.stepSeconds);
      if (lastBefore > this.stepIndex) this.stepIndex = lastBefore;
    }
    this.nextAt = this.stepIndex * this.stepSeconds;
  }

  /**
   * The last sample, at the end of the capture (`lastFrameTime`, NaN when no
   * frame was read), then the whole file. Always closes `out` and the spool.
   */
  async finish(lastFrameTime: number): Promise<void> {
    try {
      if (lastFrameTime === lastFrameTime) {
        const prev = this.times.length > 0 ? this.times[this.times.length - 1] : -Infinity;
        // Rounded up to the millisecond, and after the previous sample: frames at the
        // previous boundary itself came after that sample.
        await this.record(Math.max(Math.ceil(lastFrameTime * 1000) / 1000, Math.round(prev * 1000 + 1) / 1000));
      }
      this.writeOut();
    } finally {
      closeSync(this.spool);
      closeSync(this.out);
    }
  }

  private async record(t: number): Promise<void> {
    const metrics = (await this.registry.getMetricsAsJSON()) as unknown as MetricJson[];
    for (const m of metrics) this.recordFamily(m);
    this.times.push(t);
  }

  private recordFamily(m: MetricJson): void {
    // prom-client may have renamed a counter without `_total` (OpenMetrics rendering); the family never has it.
    const familyName = m.type === 'counter' ? m.name.replace(/_total$/, '') : m.name;
    let fam = this.families.get(familyName);
    if (fam === undefined) {
      fam = new Family(familyName, m.type, m.help);
      this.families.set(familyName, fam);
    }
    // This step's samples, grouped by labelset (labels other than `le`).
    const byGroup = new Map<string, { names: string[]; values: number[] }>();
    for (const v of m.values) {
      let labels = '';
      let le = '';
      for (const [k, raw] of Object.entries(v.labels)) {
        const text = `${k}="${escapeLabelValue(String(raw))}"`;
        if (k === 'le') le = text;
        else labels += labels === '' ? text : `,${text}`;
      }
      const sampleName = m.type === 'counter' ? `${familyName}_total` : (v.metricName ?? m.name);
      const all = le === '' ? labels : labels === '' ? le : `${labels},${le}`;
      let g = byGroup.get(labels);
      if (g === undefined) byGroup.set(labels, (g = { names: [], values: [] }));
      g.names.push(all === '' ? sampleName : `${sampleName}{${all}}`);
      g.values.push(v.value);
    }
    for (const [key, g] of byGroup) {
      const index = fam.groupOf.get(key);
      if (index === undefined) {
        fam.groupOf.set(key, fam.shapes.length);
        fam.shapes.push(g.names);
        fam.starts.push(fam.starts[fam.starts.length - 1] + g.names.length);
      } else if (fam.shapes[index].join('\n') !== g.names.join('\n')) {
        throw new Error(`--openmetrics: ${familyName}{${key}} changed its samples between steps`);
      }
    }
    const groups = fam.shapes.length;
    // NaN marks a labelset absent at this step (no metric of ours is ever NaN).
    const values = new Float64Array(fam.starts[groups]).fill(NaN);
    for (const [key, g] of byGroup) values.set(g.values, fam.starts[fam.groupOf.get(key)!]);
    fam.stepOffset.push(this.spoolSize);
    fam.stepGroups.push(groups);
    try {
      writeSync(this.spool, new Uint8Array(values.buffer), 0, values.byteLength, this.spoolSize);
    } catch (e) {
      throw this.spoolError(e);
    }
    this.spoolSize += values.byteLength;
  }

  /** The spool in the temp directory cannot be made or written. */
  private spoolError(e: unknown): OutputError {
    return new OutputError(`${this.outName}: cannot keep the samples in ${tmpdir()}: ${writeFailure(e)} (TMPDIR sets where)`);
  }

  private writeOut(): void {
    const out = new LineWriter(this.out, this.outName);
    const steps = this.times.length;
    const stamps = this.times.map(formatTimestamp);
    for (const fam of this.families.values()) {
      const groups = fam.shapes.length;
      if (groups === 0 || steps === 0) continue;
      out.line(`# TYPE ${fam.name} ${fam.type}`);
      out.line(`# HELP ${fam.name} ${fam.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}`);
      let g0 = 0;
      while (g0 < groups) {
        // As many whole labelsets as fit the block (at least one).
        let g1 = g0 + 1;
        while (g1 < groups && (fam.starts[g1 + 1] - fam.starts[g0]) * steps <= MAX_BLOCK_VALUES) g1++;
        const base = fam.starts[g0];
        const width = fam.starts[g1] - base;
        const block = new Float64Array(width * steps).fill(NaN);
        for (let k = 0; k < steps; k++) {
          const hi = Math.min(g1, fam.stepGroups[k]);
          if (hi <= g0) continue;
          const bytes = (fam.starts[hi] - base) * 8;
          readSync(this.spool, new Uint8Array(block.buffer, k * width * 8, bytes), 0, bytes, fam.stepOffset[k] + base * 8);
        }
        for (let g = g0; g < g1; g++) {
          const shape = fam.shapes[g];
          const at = fam.starts[g] - base;
          for (let k = 0; k < steps; k++) {
            const row = k * width + at;
            if (block[row] !== block[row]) continue;
            for (let i = 0; i < shape.length; i++) out.line(`${shape[i]} ${formatValue(block[row + i])} ${stamps[k]}`);
          }
        }
        g0 = g1;
      }
    }
    out.line('# EOF');
    out.flush();
  }
}

/** Lines gathered into about 1 MiB writes. */
class LineWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(
    private readonly fd: number,
    private readonly name: string,
  ) {}

  line(s: string): void {
    this.parts.push(s, '\n');
    this.size += s.length + 1;
    if (this.size >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    const bytes = Buffer.from(this.parts.join(''));
    try {
      // A pipe or FIFO may take part of a write: write the rest, never drop it.
      for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off);
    } catch (e) {
      throw new OutputError(`${this.name}: cannot write: ${writeFailure(e)}`);
    }
    this.parts = [];
    this.size = 0;
  }
}

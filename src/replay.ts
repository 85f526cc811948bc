import { ReadStopped, readCaptureFile } from './capture/pcap-file-source.js';
import type { DecoderConfig } from './decode/decoder-config.js';
import type { OutcomeName } from './decode/outcome.js';
import { InputError } from './errors.js';
import { Pipeline } from './pipeline.js';
import type { VniFigures } from './aggregate/vni-stats.js';
import type { DuplicatePairFigures } from './aggregate/mirror-dedup.js';
import { keyOfDescribed } from './aggregate/vni-key.js';
import type { VniSessionFigures } from './session/session-stats.js';
import type { Talker } from './report/flow-output.js';
import { ReplayStopped, TimedDelivery, type StepSampler } from './export/timed-replay.js';

/** A VNI's session figures in the report (its tunnel and VNI are those of the row they sit in). */
export type SessionFigures = Omit<VniSessionFigures, 'tunnel' | 'vni'>;

export interface VniReport extends VniFigures {
  /** Present when sessions were tracked. */
  sessions?: SessionFigures;
  /** Present with --top N: the largest talkers by IP bytes, source -> destination. */
  top_talkers?: Talker[];
}

export interface FileFigures {
  path: string;
  format: 'pcap' | 'pcapng' | 'unknown';
  frames: number;
  bytes: number;
}

/** What `vxmon replay --json` prints (schema documented in README.md). */
export interface ReplayReport {
  frames: number;
  outcomes: Record<OutcomeName, number>;
  vnis: VniReport[];
  /** Present when double-mirror detection ran (vxmon replay always runs it). */
  duplicates?: DuplicateReport;
  files: FileFigures[];
}

/** Double mirroring: copies of one packet seen within the window, per VNI pair. */
export interface DuplicateReport {
  /** --dedup: the copies were counted once (their outcome is mirror_duplicate); else the figures are raw. */
  dedup: boolean;
  window_seconds: number;
  frames: number;
  pairs: DuplicatePairFigures[];
}

export interface ReplayResult {
  report: ReplayReport;
  /** The malformed or unreadable file that stopped the replay; the report holds what was read before it. */
  error?: InputError;
  /** Capture time (seconds) of the last frame delivered, with --pace or a sampler; NaN otherwise or with no frame. */
  lastFrameTime: number;
  /** The replay was stopped (ReplayOptions.stop) before the end of its input. */
  stopped: boolean;
}

export interface ReplayOptions {
  decoder: DecoderConfig;
  /** Count into this pipeline (e.g. one an exporter is already serving); a new one otherwise. */
  pipeline?: Pipeline;
  /** Called at most once per read chunk. */
  onProgress?: (path: string, bytesRead: number, fileSize: number, frames: number) => void;
  /** --pace: capture seconds per wall second (1 = realtime); Infinity or absent: as fast as possible. */
  speed?: number;
  /** --openmetrics: sampled at every step boundary of capture time. */
  sampler?: StepSampler;
  /**
   * Aborting it stops the replay (SIGINT/SIGTERM): a paced or sampled one
   * between two frames, one at full speed within about 16 MiB of input. The
   * report holds what was delivered.
   */
  stop?: AbortSignal;
}

/**
 * Replays capture files in order through one pipeline, so their numbers add
 * up as one capture. Stops at the first bad file; what was read until then
 * stays counted and is returned with the error.
 */
export async function replay(paths: readonly string[], opts: ReplayOptions): Promise<ReplayResult> {
  const pipeline = opts.pipeline ?? new Pipeline(opts.decoder);
  const files: FileFigures[] = [];
  let error: InputError | undefined;
  // Pacing and step sampling pause between frames, so they read through a frame queue;
  // a plain replay hands frames straight from the reader to the pipeline.
  const speed = opts.speed ?? Infinity;
  const timed = speed !== Infinity || opts.sampler ? new TimedDelivery(pipeline, { speed, sampler: opts.sampler }) : undefined;
  opts.stop?.addEventListener('abort', () => timed?.stop(), { once: true });
  let stopped = false;
  for (const path of paths) {
    const framesBefore = pipeline.decoderStats.frames;
    const onProgress = opts.onProgress;
    try {
      const readOpts = {
        onProgress: onProgress
          ? (bytesRead: number, fileSize: number) => onProgress(path, bytesRead, fileSize, pipeline.decoderStats.frames)
          : undefined,
        stop: opts.stop,
      };
      const stats = timed ? await timed.read(path, readOpts) : await readCaptureFile(path, pipeline, readOpts);
      files.push({ path, format: stats.format, frames: stats.frames, bytes: stats.bytesRead });
    } catch (e) {
      if (e instanceof ReplayStopped || e instanceof ReadStopped) {
        stopped = true;
        files.push({ path, format: 'unknown', frames: pipeline.decoderStats.frames - framesBefore, bytes: -1 });
        break;
      }
      if (!(e instanceof InputError)) throw e;
      error = e;
      files.push({ path, format: 'unknown', frames: pipeline.decoderStats.frames - framesBefore, bytes: -1 });
      break;
    }
  }
  // A replay ends every open session, even when a bad file cut it short, so opened == sum(closed).
  pipeline.sessions?.finish('end_of_capture');
  return { report: reportOf(pipeline, files), error, lastFrameTime: timed?.lastFrameTime ?? NaN, stopped };
}

export function reportOf(pipeline: Pipeline, files: FileFigures[]): ReplayReport {
  const sessions = pipeline.sessions?.stats;
  const dedup = pipeline.dedup;
  return {
    frames: pipeline.decoderStats.frames,
    outcomes: pipeline.decoderStats.outcomes(),
    vnis: pipeline.vniStats.figures().map((v) => {
      if (!sessions) return v;
      const key = vniKeyOf(v);
      sessions.rowOf(key); // a VNI without IP sessions (all ARP, say) reports zeros
      const f = sessions.figuresOf(key)!;
      const { tunnel: _t, vni: _v, ...rest } = f;
      return { ...v, sessions: rest };
    }),
    ...(dedup && {
      duplicates: {
        dedup: pipeline.dropsDuplicates,
        window_seconds: dedup.windowSeconds,
        frames: dedup.duplicates,
        pairs: dedup.pairs(),
      },
    }),
    files,
  };
}

/** The numeric key aggregates use for a reported VNI row. */
export const vniKeyOf = keyOfDescribed;

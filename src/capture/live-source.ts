/**
 * Live capture from a network interface through libpcap, via the optional
 * native binding `cap` (native-notes/README.md).
 *
 * cap copies each packet into one Buffer we give it and emits 'packet' with
 * the captured length: we forward that Buffer to the sink (valid only during
 * the call) and stamp the frame ourselves, since cap gives no timestamp.
 * cap sets libpcap's snap length to 65535, enough for 9001-byte jumbo frames
 * plus VXLAN encapsulation; our packet Buffer is that size too.
 */
import { createRequire } from 'node:module';
import { CaptureOpenError } from '../errors.js';
import { FrameClock } from './clock.js';
import { LinkType } from './frame-source.js';
import type { SourceCounter } from './source-stats.js';

const PACKET_BUFFER_BYTES = 65535;

interface CapInstance {
  open(device: string, filter: string, bufferSize: number, buffer: Buffer): string;
  close(): void;
  on(event: 'packet', fn: (nbytes: number, truncated: boolean) => void): void;
}
interface CapModule {
  Cap: { new (): CapInstance; deviceList(): { name: string }[] };
}

export const CAP_MISSING_HINT =
  'live capture needs the libpcap binding (npm package cap), which is not built here: ' +
  'apt-get install libpcap-dev && npm rebuild cap (see native-notes/README.md); replay and --listen-udp work without it';

/** Loads cap, or explains exactly what to install. */
export function loadCap(): CapModule {
  try {
    return createRequire(import.meta.url)('cap') as CapModule;
  } catch {
    throw new CaptureOpenError(CAP_MISSING_HINT);
  }
}

/** cap names a few link types; others come back as "Unknown linktype N". */
export function linkTypeOf(name: string): number {
  switch (name) {
    case 'ETHERNET':
      return LinkType.ETHERNET;
    case 'LINKTYPE_LINUX_SLL':
      return LinkType.LINUX_SLL;
    case 'RAW':
      return LinkType.RAW;
    default: {
      const m = /^Unknown linktype (\d+)$/.exec(name);
      // DLT_LINUX_SLL2 is 276 as a DLT and as a LINKTYPE; other unknowns are counted as unsupported.
      return m ? Number(m[1]) : -1;
    }
  }
}

/** Cap objects whose open() failed: never collected, see open(). At most one per --interface given. */
const FAILED_OPENS: unknown[] = [];

export class LiveCaptureSource {
  private cap: CapInstance | undefined;
  private readonly buffer = Buffer.alloc(PACKET_BUFFER_BYTES);
  private readonly clock = new FrameClock();
  linkType = -1;

  constructor(
    readonly device: string,
    private readonly filter: string,
    private readonly bufferSize: number,
    private readonly counter: SourceCounter,
  ) {}

  open(): void {
    const { Cap } = loadCap();
    const cap = new Cap();
    try {
      this.linkType = linkTypeOf(cap.open(this.device, this.filter, this.bufferSize, this.buffer));
    } catch (e) {
      // Keep the failed Cap reachable for the life of the process: when its open fails after pcap_create
      // (no permission, a bad filter), cap's destructor still calls uv_poll_stop on a poll handle it never
      // initialised, and the garbage collector running it crashed the process (SIGSEGV, 1 run in 40 here).
      FAILED_OPENS.push(cap);
      const known = Cap.deviceList().map((d) => d.name);
      const hint = known.includes(this.device) ? '' : ` (interfaces here: ${known.join(', ') || 'none visible'})`;
      throw new CaptureOpenError(`--interface ${this.device}: cannot capture: ${(e as Error).message}${hint}`);
    }
    const buffer = this.buffer;
    const clock = this.clock;
    const counter = this.counter;
    const linkType = this.linkType;
    cap.on('packet', (nbytes, truncated) => {
      counter.lastFrameAtMs = clock.stamp();
      // cap does not report the original length; a truncated frame is marked by a wire length one past what we have.
      counter.onFrame(buffer, 0, nbytes, truncated ? nbytes + 1 : nbytes, clock.sec, clock.nsec, linkType);
    });
    this.cap = cap;
  }

  close(): void {
    this.cap?.close();
    this.cap = undefined;
  }
}

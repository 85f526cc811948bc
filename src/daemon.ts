/**
 * `vxmon run`: the long-running service. Opens the configured sources (live
 * interfaces through libpcap, UDP sockets), feeds one pipeline, serves the
 * web endpoints, logs a periodic summary, reloads on SIGHUP (and
 * POST /-/reload is left to the exporter issue), and stops cleanly on
 * SIGTERM/SIGINT within 5 s.
 */
import { payloadLinkType } from './capture/frame-source.js';
import { Tunnel, TUNNEL_NAMES } from './decode/packet-view.js';
import { MirrorDedup } from './aggregate/mirror-dedup.js';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';
import { LiveCaptureSource } from './capture/live-source.js';
import { SourceCounter } from './capture/source-stats.js';
import { UdpSocketSource } from './capture/udp-socket-source.js';
import { captureFilter, loadConfig, type ConfigInputs, type RunConfig } from './config.js';
import { makeDecoderConfig } from './decode/decoder-config.js';
import { OUTCOME_NAMES } from './decode/outcome.js';
import { compileTunnelAllow } from './decode/tunnel-allow.js';
import { formatListenAddress } from './export/listen-address.js';
import { landingVnis } from './export/landing-page.js';
import { startWebServer, type Readiness, type WebServer } from './export/http-server.js';
import { createMetrics } from './export/metrics.js';
import { vxmonVersion } from './export/serve.js';
import { createRootLogger, DropLog, type Logger } from './log.js';
import { Pipeline } from './pipeline.js';
import { VniFolder } from './aggregate/vni-key.js';
import { FlowWriter } from './report/flow-output.js';
import { SessionTracker } from './session/session-tracker.js';

/** SIGTERM to exit: systemd's and the budget. */
export const STOP_DEADLINE_MS = 5000;

interface OpenSource {
  counter: SourceCounter;
  close(): void | Promise<void>;
  kernelDrops?: () => number;
}

export class Daemon {
  private config: RunConfig;
  private readonly log: Logger;
  private readonly pipeline: Pipeline;
  private readonly tracker: SessionTracker;
  private readonly flows: FlowWriter | undefined;
  private housekeepingTimer: NodeJS.Timeout | undefined;
  private readonly sources: OpenSource[] = [];
  private server: WebServer | undefined;
  private summaryTimer: NodeJS.Timeout | undefined;
  private lastReloadOk = 1;
  private lastReloadAt = Date.now() / 1000;
  private readonly startedAt = new Date();
  private readonly startedAtMono = performance.now();

  constructor(
    config: RunConfig,
    private readonly inputs: ConfigInputs,
  ) {
    this.config = config;
    this.log = createRootLogger(config.logLevel);
    this.flows =
      config.flowsPath === undefined
        ? undefined
        : new FlowWriter(config.flowsPath, config.flowsFormat, { append: true, onWriteError: (e, records) => this.flowWriteFailed(e, records) });
    const flows = this.flows;
    // Flow Logs lines carry the account and ENI configured for their VNI (`vnis:`), as of the last reload.
    if (flows) flows.ownerOf = (vni) => this.config.vnis[String(vni)];
    this.tracker = new SessionTracker({
      folder: new VniFolder(config.maxVnis),
      maxSessions: config.maxSessions,
      timeouts: config.timeouts,
      onFlow: flows ? (r) => flows.write(r) : undefined,
    });
    this.pipeline = new Pipeline(decoderConfigOf(config), this.tracker, this.tracker.stats.folder, {
      dedup: new MirrorDedup(config.dedupWindow, this.tracker.stats.folder),
      dropDuplicates: config.dedup,
    });
    this.pipeline.allow = compileTunnelAllow(config.allowSource, config.allowVni);
  }

  /** Opens every source and the web server; throws a typed error (and closes what was opened) if one fails. */
  async start(): Promise<void> {
    const cfg = this.config;
    const log = this.log.child({ component: 'capture' });
    const drops = new DropLog(this.log.child({ component: 'decoder' }), OUTCOME_NAMES);
    if (this.flows !== undefined && this.flows.repairedBytes > 0) {
      // A previous run was killed in the middle of a write: its unfinished last line was cut.
      this.log.child({ component: 'flows' }).warn({ path: this.flows.path, bytes: this.flows.repairedBytes }, 'cut an unfinished last flow record');
    }
    try {
      for (const device of cfg.interfaces) {
        const counter = new SourceCounter(`pcap:${device}`, this.pipeline, drops);
        const filter = captureFilter(cfg);
        const src = new LiveCaptureSource(device, filter, cfg.captureBufferSize, counter);
        src.open();
        this.sources.push({ counter, close: () => src.close() });
        log.info({ source: counter.name, filter, bufferSize: cfg.captureBufferSize, linkType: src.linkType }, 'capture open');
      }
      for (const address of cfg.listenUdp) {
        const counter = new SourceCounter(`udp:${formatListenAddress(address)}`, this.pipeline, drops);
        // The port's tunnel type says what its datagrams start with (VXLAN unless it is a Geneve or GPE port).
        const tunnel = cfg.genevePorts.includes(address.port) ? Tunnel.GENEVE : cfg.vxlanGpePorts.includes(address.port) ? Tunnel.VXLAN_GPE : Tunnel.VXLAN;
        const src = new UdpSocketSource(address, counter, payloadLinkType(tunnel));
        await src.open();
        this.sources.push({ counter, close: () => src.close(), kernelDrops: () => src.kernelDrops() });
        log.info({ source: counter.name, port: src.boundPort, tunnel: TUNNEL_NAMES[tunnel] }, 'udp socket open');
      }
      this.server = await startWebServer({
        listen: cfg.webListenAddress,
        webConfig: cfg.webConfig,
        timeouts: cfg.webTimeouts,
        log: this.log.child({ component: 'web' }),
        registries: createMetrics({
          pipeline: () => this.pipeline,
          version: vxmonVersion(),
          registerMore: (registers) => this.registerDaemonMetrics(registers),
        }),
        readiness: () => this.readiness(),
        reload: () => this.reload(),
        landing: () => ({
          version: vxmonVersion(),
          startedAt: this.startedAt,
          sources: this.sources.map((s) => s.counter.name),
          vnis: landingVnis(this.pipeline),
        }),
      });
    } catch (e) {
      await this.closeSources();
      throw e;
    }
    this.log.child({ component: 'web' }).info(
      {
        // address last: tests and scripts look for `"address":"…","msg":"serving /metrics"`.
        tls: this.server.tls,
        basicAuth: (cfg.webConfig?.users.size ?? 0) > 0,
        address: formatListenAddress({ host: this.server.host, port: this.server.port }),
      },
      'serving /metrics',
    );
    this.scheduleSummary();
    // Once a second: expire idle sessions on the clock live frames are stamped with (the tracker
    // otherwise sweeps only when packets arrive, and a quiet mirror must still time its sessions out),
    // and write out the batched flow records.
    this.housekeepingTimer = setInterval(() => {
      this.tracker.sweep(Math.round((performance.timeOrigin + performance.now()) * 1000));
      this.flows?.flush();
    }, 1000);
    this.housekeepingTimer.unref();
  }

  /** The bound web port (tests use port 0). */
  get webPort(): number {
    return this.server?.port ?? 0;
  }

  private readiness(): Readiness {
    if (this.sources.length === 0) return { ready: false, reason: 'no capture source is open' };
    const now = performance.now();
    const silentMs = this.config.readyMaxSilence * 1000;
    for (const s of this.sources) {
      // A source that never produced a frame has been silent since the daemon started.
      const since = now - (s.counter.lastFrameAtMs < 0 ? this.startedAtMono : s.counter.lastFrameAtMs);
      if (since > silentMs) {
        return { ready: false, reason: `${s.counter.name}: no frame for ${Math.round(since / 1000)} s (--ready.max-silence ${this.config.readyMaxSilence} s)` };
      }
    }
    return { ready: true, reason: `capturing from ${this.sources.map((s) => s.counter.name).join(', ')}` };
  }

  private registerDaemonMetrics(registers: Registry[]): void {
    const sources = this.sources;
    new Counter({
      name: 'vxmon_source_frames_total',
      help: 'Frames read per capture source, by outcome (decoded or the drop reason).',
      labelNames: ['source', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const s of sources) {
          for (let code = 0; code < OUTCOME_NAMES.length; code++) {
            const n = s.counter.byOutcome[code];
            if (n > 0 || code === 0) this.inc({ source: s.counter.name, outcome: OUTCOME_NAMES[code] }, n);
          }
        }
      },
    });
    new Gauge({
      name: 'vxmon_capture_up',
      help: '1 for each capture source that is open.',
      labelNames: ['source'],
      registers,
      collect() {
        this.reset();
        for (const s of sources) this.set({ source: s.counter.name }, 1);
      },
    });
    new Counter({
      name: 'vxmon_udp_receive_drops_total',
      help: "Datagrams the kernel dropped for a --listen-udp socket because its receive queue was full (/proc/net/udp 'drops').",
      labelNames: ['source'],
      registers,
      collect() {
        this.reset();
        for (const s of sources) {
          const d = s.kernelDrops?.() ?? -1;
          if (d >= 0) this.inc({ source: s.counter.name }, d);
        }
      },
    });
    const daemon = this;
    new Gauge({
      name: 'vxmon_config_last_reload_successful',
      help: '1 if the last configuration reload (SIGHUP) succeeded, 0 if it failed and the previous configuration is kept.',
      registers,
      collect() {
        this.set(daemon.lastReloadOk);
      },
    });
    new Gauge({
      name: 'vxmon_config_last_reload_success_timestamp_seconds',
      help: 'When the configuration was last loaded successfully (seconds since 1970).',
      registers,
      collect() {
        this.set(daemon.lastReloadAt);
      },
    });
    if (this.flows !== undefined) {
      const flows = this.flows;
      new Counter({
        name: 'vxmon_flow_records_lost_total',
        help: 'Closed-flow records that could not be written to --flows (a full disk, an I/O error); capture went on.',
        registers,
        collect() {
          this.reset();
          this.inc(flows.lostRecords);
        },
      });
    }
    new Gauge({
      name: 'vxmon_vni_info',
      help: 'Always 1: the mirror-session name (and account, ENI) configured for a VNI, to join in PromQL.',
      labelNames: ['vni', 'name', 'account', 'eni'],
      registers,
      collect() {
        this.reset();
        for (const [vni, info] of Object.entries(daemon.config.vnis)) {
          this.set({ vni, name: info.name, account: info.account ?? '', eni: info.eni ?? '' }, 1);
        }
      },
    });
  }

  /** When the last flow-write failure was logged (ms, monotonic); later ones within a minute are only counted. */
  private flowErrorLoggedAt = -Infinity;
  private flowRecordsLostSinceLog = 0;

  /**
   * A batch of flow records could not be written (a full disk): capture goes
   * on, the records are counted as lost (vxmon_flow_records_lost_total), and
   * the failure is logged at most once a minute with what was lost since.
   */
  private flowWriteFailed(e: Error, records: number): void {
    this.flowRecordsLostSinceLog += records;
    const now = performance.now();
    if (now - this.flowErrorLoggedAt < 60_000) return;
    this.flowErrorLoggedAt = now;
    this.log.child({ component: 'flows' }).error({ problem: e.message, lostRecords: this.flowRecordsLostSinceLog }, 'flow records lost');
    this.flowRecordsLostSinceLog = 0;
  }

  private scheduleSummary(): void {
    if (this.summaryTimer) clearInterval(this.summaryTimer);
    this.summaryTimer = undefined;
    if (this.config.logSummaryInterval <= 0) return;
    const log = this.log.child({ component: 'summary' });
    let lastFrames = 0;
    this.summaryTimer = setInterval(() => {
      const frames = this.pipeline.decoderStats.frames;
      log.info(
        {
          frames,
          framesPerSecond: Math.round((frames - lastFrames) / this.config.logSummaryInterval),
          decoded: this.pipeline.decoderStats.byOutcome[0],
          dropped: frames - this.pipeline.decoderStats.byOutcome[0],
          vnis: this.pipeline.vniStats.size,
        },
        'summary',
      );
      lastFrames = frames;
    }, this.config.logSummaryInterval * 1000);
    this.summaryTimer.unref();
  }

  /**
   * SIGHUP: re-reads the config file (flags and environment still win) and
   * applies what can change without reopening capture: VNI names, log level,
   * the summary interval, readiness limits, the tunnel allow lists. A failed reload keeps the old
   * configuration and says why (returned, for POST /-/reload).
   */
  reload(): string | undefined {
    const log = this.log.child({ component: 'config' });
    let next: RunConfig;
    try {
      next = loadConfig(this.inputs);
    } catch (e) {
      this.lastReloadOk = 0;
      log.error({ problems: (e as Error).message.split('\n') }, 'reload failed; keeping the previous configuration');
      return (e as Error).message;
    }
    // The web config file is re-read with the rest: new certificates and users apply to the next
    // connection and request. Turning TLS on or off cannot be done on the open listener.
    const webProblem = this.server?.updateWebConfig(next.webConfig);
    if (webProblem !== undefined) {
      this.lastReloadOk = 0;
      log.error({ problems: [webProblem] }, 'reload failed; keeping the previous configuration');
      return webProblem;
    }
    const needsRestart = (['interfaces', 'listenUdp', 'vxlanPorts', 'genevePorts', 'vxlanGpePorts', 'maxTunnelDepth', 'dedup', 'dedupWindow', 'reservedBits', 'bpf', 'captureBufferSize', 'webListenAddress',
      'flowsPath', 'flowsFormat', 'maxSessions', 'maxVnis', 'timeouts', 'webTimeouts'] as const).filter(
      (k) => JSON.stringify(next[k]) !== JSON.stringify(this.config[k]),
    );
    if (needsRestart.length > 0) log.warn({ settings: needsRestart }, 'these settings change only on restart; kept as they were');
    this.config = Object.freeze({
      ...next,
      interfaces: this.config.interfaces,
      listenUdp: this.config.listenUdp,
      vxlanPorts: this.config.vxlanPorts,
      genevePorts: this.config.genevePorts,
      vxlanGpePorts: this.config.vxlanGpePorts,
      maxTunnelDepth: this.config.maxTunnelDepth,
      dedup: this.config.dedup,
      dedupWindow: this.config.dedupWindow,
      reservedBits: this.config.reservedBits,
      bpf: this.config.bpf,
      captureBufferSize: this.config.captureBufferSize,
      webListenAddress: this.config.webListenAddress,
      webTimeouts: this.config.webTimeouts,
      flowsPath: this.config.flowsPath,
      flowsFormat: this.config.flowsFormat,
      maxSessions: this.config.maxSessions,
      maxVnis: this.config.maxVnis,
      timeouts: this.config.timeouts,
    });
    this.log.level = this.config.logLevel;
    // The allow lists are one object swapped between two frames: frames after this
    // point are checked against the new lists (sessions and VNI series already
    // created stay until they expire).
    this.pipeline.allow = compileTunnelAllow(this.config.allowSource, this.config.allowVni);
    this.scheduleSummary();
    this.lastReloadOk = 1;
    this.lastReloadAt = Date.now() / 1000;
    log.info({ vnis: Object.keys(this.config.vnis).length, logLevel: this.config.logLevel }, 'configuration reloaded');
    return undefined;
  }

  private async closeSources(): Promise<void> {
    for (const s of this.sources.splice(0)) await s.close();
  }

  /** Stops capture, then the web server, and flushes the log. */
  async stop(signal: string): Promise<void> {
    const log = this.log.child({ component: 'daemon' });
    log.info({ signal }, 'stopping');
    if (this.summaryTimer) clearInterval(this.summaryTimer);
    if (this.housekeepingTimer) clearInterval(this.housekeepingTimer);
    await this.closeSources();
    // Every session still open gets its flow record, closed as `shutdown`.
    const open = this.tracker.liveSessions;
    this.tracker.finish('shutdown');
    this.flows?.close();
    await this.server?.close();
    log.info({ frames: this.pipeline.decoderStats.frames, sessionsClosed: open }, 'stopped');
    await new Promise<void>((resolve) => this.log.flush(() => resolve()));
  }
}

/** The decoder's view of the run configuration. */
function decoderConfigOf(config: RunConfig) {
  return makeDecoderConfig({
    vxlanPorts: config.vxlanPorts,
    genevePorts: config.genevePorts,
    vxlanGpePorts: config.vxlanGpePorts,
    maxTunnelDepth: config.maxTunnelDepth,
    reservedPolicy: config.reservedBits,
  });
}

import { parseArgs } from 'node:util';
import {
  DEFAULT_GENEVE_PORTS,
  DEFAULT_VXLAN_GPE_PORTS,
  DEFAULT_VXLAN_PORTS,
  makeDecoderConfig,
  type ReservedPolicy,
} from '../decode/decoder-config.js';
import { ConfigError, ExitCode, UsageError } from '../errors.js';
import { loadWebConfig } from '../export/web-config.js';
import { createRootLogger } from '../log.js';
import { replay, vniKeyOf } from '../replay.js';
import { Pipeline } from '../pipeline.js';
import { DEFAULT_LISTEN_ADDRESS, formatListenAddress, parseListenAddress } from '../export/listen-address.js';
import { servePipeline, untilSignal } from '../export/serve.js';
import { ProgressLine } from '../report/progress.js';
import { formatReport } from '../report/table.js';
import { parsePortList } from './flag-values.js';
import { parseDuration, vniOwnerProblem } from '../config.js';
import { FLOW_FORMATS, type FlowFormat, type VniOwner } from '../export/flow-records.js';
import { FlowWriter, TopTalkers } from '../report/flow-output.js';
import { DEFAULT_MAX_SESSIONS, SessionTracker } from '../session/session-tracker.js';
import { DEFAULT_MAX_VNIS, VniFolder } from '../aggregate/vni-key.js';
import { DEFAULT_DEDUP_WINDOW_SECONDS, MirrorDedup } from '../aggregate/mirror-dedup.js';
import { DEFAULT_TIMEOUTS, type SessionTimeouts } from '../session/tcp-state.js';
import { PACE_MAX, parsePace } from '../export/replay-pace.js';
import { createMetrics } from '../export/metrics.js';
import { vxmonVersion } from '../export/serve.js';
import { OpenMetricsBackfill } from '../export/openmetrics-backfill.js';
import { openOutput, refuseInputAsOutput, writeReport } from './output-file.js';
import { compileTunnelAllow, parseCidr, parseVniRange } from '../decode/tunnel-allow.js';

export const REPLAY_HELP = `usage: vxmon replay FILE... [options]

Replays pcap or pcapng captures (FILE "-" reads standard input, e.g.
"tcpdump -i eth0 -w - udp port 4789 | vxmon replay -") and prints per-VNI
figures and the outcome of every frame. Several files add up as one capture.

options:
  --json                       print the report as JSON (schema in README.md)
  --vxlan-port PORT[,PORT...]  UDP destination ports carrying VXLAN (default 4789;
                               Linux's own default is 8472)
  --geneve-port PORT[,...]     ports carrying Geneve (default 6081, AWS Gateway
                               Load Balancer, GCP Packet Mirroring); "" for none
  --vxlan-gpe-port PORT[,...]  ports carrying VXLAN-GPE (default 4790); "" for none
  --max-tunnel-depth N         tunnel headers one frame may carry, nested (default 4);
                               deeper frames count as inner_tunnel_too_deep
  --dedup                      count a double-mirrored packet once (both ends of a
                               connection mirrored to this target): the second copy
                               seen within the window is mirror_duplicate. Without
                               it copies are still detected and reported per VNI pair
  --dedup-window DUR           how close two copies must be (default 5ms)
  --reserved-bits POLICY       permissive (default: ignore reserved VXLAN bits, as
                               RFC 7348 tells receivers) or strict (drop frames
                               that set them, counted as vxlan_reserved_nonzero)
  --flows PATH|-               write one record per closed flow to PATH ("-":
                               standard output; the report then goes to stderr)
  --flows-format FORMAT        jsonl (default: every field) or vpc-flow-log (the
                               VPC Flow Logs default fields + tcp-flags, per direction)
  --vni-owner VNI=ACCOUNT/ENI[,...]
                               the account-id and interface-id of a VNI's Flow Logs
                               lines ("-" for either; unnamed VNIs get - -)
  --top N                      the N largest talkers per VNI by IP bytes
  --max-vnis N                 distinct VNIs counted apart (default 256); the rest
                               fold into vni "other" (metrics, report)
  --max-sessions N             session table size (default 1000000); when full the
                               oldest idle session is evicted and counted
  --timeout.tcp-opening DUR    idle timeouts on capture time (defaults: 60s, 350s,
  --timeout.tcp-established    10s, 120s, 30s; see README "Sessions")
  --timeout.tcp-closed DUR
  --timeout.udp DUR
  --timeout.icmp DUR
  --allow-source CIDR[,CIDR...] count tunnel frames only from these outer source
                               addresses (IPv4/IPv6); others: tunnel_source_not_allowed
  --allow-vni VNI[,A-B...]     count only these VNIs; others: tunnel_vni_not_allowed
  --serve                      serve /metrics (Prometheus), / and /-/healthy, /-/ready
                               during the replay and, after it, until SIGINT/SIGTERM
  --web.listen-address ADDR    where --serve listens (default ${DEFAULT_LISTEN_ADDRESS};
                               127.0.0.1:14789, [::1]:14789; port 0 picks one)
  --pace PACE                  max (default: as fast as possible), realtime (the
                               gaps between frames as captured) or a speed such
                               as 2x or 0.5x; with --serve, watch a replay as if live;
                               SIGINT/SIGTERM stops any replay with its report
  --openmetrics OUT            write the metrics sampled every --step of capture
                               time to OUT (OpenMetrics, for promtool tsdb
                               create-blocks-from openmetrics; README "Backfill")
  --step DUR                   --openmetrics sampling step (default 15s)
  --web.config.file FILE       TLS and basic auth for --serve (exporter-toolkit's
                               web-config.yml format; README "Securing the web endpoint")
  -h, --help                   this help

exit codes: 0 success, 2 bad command line, 3 a capture file is unreadable or
malformed (the figures read before the fault are still printed), 4 the --serve
address could not be opened, 5 an output could not be written (a full disk).`;

export async function replayCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: 'boolean', default: false },
        'vxlan-port': { type: 'string' },
        'geneve-port': { type: 'string' },
        'vxlan-gpe-port': { type: 'string' },
        'max-tunnel-depth': { type: 'string' },
        'reserved-bits': { type: 'string' },
        dedup: { type: 'boolean', default: false },
        'dedup-window': { type: 'string' },
        serve: { type: 'boolean', default: false },
        flows: { type: 'string' },
        'flows-format': { type: 'string' },
        'vni-owner': { type: 'string', multiple: true },
        top: { type: 'string' },
        'max-sessions': { type: 'string' },
        'max-vnis': { type: 'string' },
        'timeout.tcp-opening': { type: 'string' },
        'timeout.tcp-established': { type: 'string' },
        'timeout.tcp-closed': { type: 'string' },
        'timeout.udp': { type: 'string' },
        'timeout.icmp': { type: 'string' },
        'web.listen-address': { type: 'string' },
        pace: { type: 'string' },
        openmetrics: { type: 'string' },
        step: { type: 'string' },
        'web.config.file': { type: 'string' },
        'allow-source': { type: 'string' },
        'allow-vni': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    throw new UsageError(`replay: ${(e as Error).message.split('\n')[0]}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(REPLAY_HELP + '\n');
    return ExitCode.OK;
  }
  if (positionals.length === 0) throw new UsageError('replay: no capture file given (see vxmon replay --help)');
  const reserved = values['reserved-bits'] ?? 'permissive';
  if (reserved !== 'permissive' && reserved !== 'strict') {
    throw new UsageError(`replay: --reserved-bits must be permissive or strict, not "${reserved}"`);
  }
  const vxlanPorts = values['vxlan-port'] === undefined ? undefined : parsePortList('--vxlan-port', values['vxlan-port']);
  const genevePorts = values['geneve-port'] === undefined ? undefined : parsePortList('--geneve-port', values['geneve-port']);
  const vxlanGpePorts = values['vxlan-gpe-port'] === undefined ? undefined : parsePortList('--vxlan-gpe-port', values['vxlan-gpe-port']);
  const lists = [['--vxlan-port', vxlanPorts ?? DEFAULT_VXLAN_PORTS], ['--geneve-port', genevePorts ?? DEFAULT_GENEVE_PORTS], ['--vxlan-gpe-port', vxlanGpePorts ?? DEFAULT_VXLAN_GPE_PORTS]] as const;
  for (const [i, [flagA, a]] of lists.entries()) {
    for (const [flagB, b] of lists.slice(i + 1)) {
      const both = a.find((p) => b.includes(p));
      if (both !== undefined) throw new UsageError(`replay: port ${both} is in both ${flagA} and ${flagB}; a port carries one tunnel type`);
    }
  }
  const maxTunnelDepth = values['max-tunnel-depth'] === undefined ? undefined : wholeNumber('--max-tunnel-depth', values['max-tunnel-depth'], 1, 16);
  const decoder = makeDecoderConfig({ vxlanPorts, genevePorts, vxlanGpePorts, maxTunnelDepth, reservedPolicy: reserved as ReservedPolicy });
  if (values['web.listen-address'] !== undefined && !values.serve) {
    throw new UsageError('replay: --web.listen-address needs --serve');
  }
  const listen = parseListenAddress('--web.listen-address', values['web.listen-address'] ?? DEFAULT_LISTEN_ADDRESS);
  if (values['web.config.file'] !== undefined && !values.serve) throw new UsageError('replay: --web.config.file needs --serve');
  const webConfig = values['web.config.file'] === undefined ? undefined : loadWebConfig(values['web.config.file']);
  if (Array.isArray(webConfig)) throw new ConfigError(webConfig.join('\n'));

  const flowsFormat = (values['flows-format'] ?? 'jsonl') as FlowFormat;
  if (!FLOW_FORMATS.includes(flowsFormat)) {
    throw new UsageError(`replay: --flows-format must be ${FLOW_FORMATS.join(' or ')}, not "${flowsFormat}"`);
  }
  if (values['flows-format'] !== undefined && values.flows === undefined) throw new UsageError('replay: --flows-format needs --flows');
  // Repeatable, and each a comma list: every VNI named in any of them.
  const owners = values['vni-owner'] === undefined ? undefined : parseVniOwners(values['vni-owner'].join(','));
  if (owners !== undefined && flowsFormat !== 'vpc-flow-log') throw new UsageError('replay: --vni-owner needs --flows-format vpc-flow-log (the jsonl records have no account or interface fields)');
  const top = values.top === undefined ? 0 : wholeNumber('--top', values.top, 1, 1_000_000);
  const maxVnis = values['max-vnis'] === undefined ? DEFAULT_MAX_VNIS : wholeNumber('--max-vnis', values['max-vnis'], 1, 0x1000000);
  const maxSessions = values['max-sessions'] === undefined ? DEFAULT_MAX_SESSIONS : wholeNumber('--max-sessions', values['max-sessions'], 1, 100_000_000);
  const timeouts: Partial<SessionTimeouts> = {};
  for (const [flag, key] of [['tcp-opening', 'tcpOpening'], ['tcp-established', 'tcpEstablished'], ['tcp-closed', 'tcpClosed'], ['udp', 'udp'], ['icmp', 'icmp']] as const) {
    const raw = values[`timeout.${flag}`];
    if (raw === undefined) continue;
    const secs = parseDuration(raw);
    if (secs === undefined || secs <= 0) throw new UsageError(`replay: --timeout.${flag}: "${raw}" is not a positive duration (e.g. 350s, 5m)`);
    timeouts[key] = secs;
  }

  const speed = values.pace === undefined ? PACE_MAX : parsePace(values.pace);
  if (values.step !== undefined && values.openmetrics === undefined) throw new UsageError('replay: --step needs --openmetrics');
  const step = values.step === undefined ? 15 : parseDuration(values.step);
  if (step === undefined || !(step >= 0.001)) {
    throw new UsageError(`replay: --step: "${values.step}" is not a duration of 1ms or more (e.g. 15s, 1m)`);
  }
  if (values.flows !== undefined) refuseInputAsOutput('--flows', values.flows, positionals);
  if (values.openmetrics !== undefined) refuseInputAsOutput('--openmetrics', values.openmetrics, positionals);
  // Opened before the replay, so an unwritable path fails at once.
  const openMetricsOut = values.openmetrics === undefined ? undefined : openOutput('--openmetrics', values.openmetrics);

  const flowWriter = values.flows === undefined ? undefined : new FlowWriter(values.flows, flowsFormat);
  if (flowWriter && owners) flowWriter.ownerOf = (vni) => owners.get(vni);
  const folder = new VniFolder(maxVnis);
  const talkers = top > 0 ? new TopTalkers(folder) : undefined;
  const tracker = new SessionTracker({
    folder,
    maxSessions,
    timeouts: { ...DEFAULT_TIMEOUTS, ...timeouts },
    onFlow:
      flowWriter || talkers
        ? (r) => {
            flowWriter?.write(r);
            talkers?.add(r);
          }
        : undefined,
  });
  let dedupWindow = DEFAULT_DEDUP_WINDOW_SECONDS;
  if (values['dedup-window'] !== undefined) {
    const secs = parseDuration(values['dedup-window']);
    if (secs === undefined || secs <= 0 || secs > 10) throw new UsageError(`replay: --dedup-window: "${values['dedup-window']}" is not a duration above 0 and at most 10s (e.g. 5ms, 0.2ms)`);
    dedupWindow = secs;
  }
  const pipeline = new Pipeline(decoder, tracker, tracker.stats.folder, {
    dedup: new MirrorDedup(dedupWindow, tracker.stats.folder),
    dropDuplicates: values.dedup,
  });
  pipeline.allow = compileTunnelAllow(
    allowList('--allow-source', values['allow-source'], parseCidr),
    allowList('--allow-vni', values['allow-vni'], parseVniRange),
  );
  // With flow records on stdout, the report moves to stderr.
  const reportOut = values.flows === '-' ? process.stderr : process.stdout;
  const reportName = values.flows === '-' ? 'standard error' : 'standard output';
  let replaying = true;
  const server = values.serve
    ? await servePipeline({
        listen,
        webConfig,
        // Refused logins go to stderr as JSON lines (stdout carries the report).
        log: webConfig ? createRootLogger('warn', process.stderr).child({ component: 'web' }) : undefined,
        pipeline,
        sources: positionals,
        readiness: () =>
          replaying ? { ready: true, reason: 'replaying' } : { ready: true, reason: 'replay finished; serving its final numbers' },
      })
    : undefined;
  if (server) {
    const where = formatListenAddress({ host: server.host, port: server.port });
    process.stderr.write(`vxmon: serving ${server.tls ? 'https' : 'http'}://${where}/metrics\n`);
  }
  // From here on a failure (an output that cannot be written) must close the web server too:
  // an open listener would keep the process alive after cli.ts has set the exit code.
  try {
    const backfill =
      openMetricsOut === undefined
        ? undefined
        : new OpenMetricsBackfill(createMetrics({ pipeline: () => pipeline, version: vxmonVersion() }).ownOpenMetrics, openMetricsOut, step, `--openmetrics ${values.openmetrics}`);

    // The first SIGINT/SIGTERM ends the replay with a report of what was delivered (and the
    // backfill file): a paced or sampled one between two frames, one at full speed within
    // 16 MiB of input. A second signal exits at once.
    const stop = new AbortController();
    const onSignal = () => {
      if (stop.signal.aborted) process.exit(130); // 128 + SIGINT, as a shell reports a process killed by it
      stop.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const progress = new ProgressLine(process.stderr);
    const result = await replay(positionals, {
      decoder,
      pipeline,
      speed,
      sampler: backfill,
      stop: stop.signal,
      onProgress: progress.enabled ? (p, read, size, frames) => progress.update(p, read, size, frames) : undefined,
    }).finally(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
    progress.clear();
    // The last sample comes after the replay closed its sessions (end_of_capture).
    await backfill?.finish(result.lastFrameTime);
    flowWriter?.close();
    if (talkers) {
      for (const v of result.report.vnis) {
        v.top_talkers = talkers.top(vniKeyOf(v), top);
      }
    }

    if (values.json) {
      const error = result.error
        ? { code: result.error.code, file: result.error.file, offset: result.error.offset, message: result.error.message }
        : undefined;
      await writeReport(reportOut, reportName, JSON.stringify({ ...result.report, error }, null, 2) + '\n');
    } else {
      await writeReport(reportOut, reportName, formatReport(result.report) + '\n');
    }
    replaying = false;
    if (result.stopped) {
      process.stderr.write('vxmon: replay stopped by a signal; the report holds the frames delivered until then\n');
      await server?.close();
      return ExitCode.OK;
    }
    if (server) {
      if (result.error) process.stderr.write(`vxmon: ${result.error.message}\n`);
      process.stderr.write('vxmon: replay finished; serving its numbers until interrupted (Ctrl-C)\n');
      await untilSignal();
      await server.close();
      return result.error ? result.error.exitCode : ExitCode.OK;
    }
    if (result.error) throw result.error;
    return ExitCode.OK;
  } catch (e) {
    await server?.close();
    throw e;
  }
}

/** A comma list of CIDRs or VNI ranges, each checked by `parse` (which returns the problem as a string). */
function allowList(flag: string, text: string | undefined, parse: (item: string) => unknown): string[] {
  if (text === undefined) return [];
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) {
    const r = parse(item);
    if (typeof r === 'string') throw new UsageError(`replay: ${flag}: ${r}`);
  }
  if (items.length === 0) throw new UsageError(`replay: ${flag} needs at least one value`);
  return items;
}

/** `VNI=ACCOUNT/ENI,...` (`-` for an unknown part): what a VNI's Flow Logs lines say in account-id and interface-id. */
function parseVniOwners(text: string): Map<number, VniOwner> {
  const owners = new Map<number, VniOwner>();
  for (const item of text.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(\d{1,8})=([^/]+)\/([^/]+)$/.exec(item);
    const vni = m === null ? NaN : Number(m[1]);
    if (m === null || vni > 0xffffff) {
      throw new UsageError(`replay: --vni-owner: "${item}" is not VNI=ACCOUNT/ENI with a VNI of 0-16777215 (e.g. 5569041=123456789012/eni-0abc12345def67890)`);
    }
    for (const [kind, part] of [['account', m[2]], ['eni', m[3]]] as const) {
      const problem = part === '-' ? undefined : vniOwnerProblem(kind, part);
      if (problem !== undefined) throw new UsageError(`replay: --vni-owner: "${item}": ${problem}`);
    }
    if (owners.has(vni)) throw new UsageError(`replay: --vni-owner: VNI ${vni} is named twice`);
    owners.set(vni, { account: m[2] === '-' ? undefined : m[2], eni: m[3] === '-' ? undefined : m[3] });
  }
  if (owners.size === 0) throw new UsageError('replay: --vni-owner needs at least one VNI=ACCOUNT/ENI');
  return owners;
}

/** A whole number flag in [min, max], or a usage error naming the flag. */
function wholeNumber(flag: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`replay: ${flag} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return Number(text);
}

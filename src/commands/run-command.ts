import { parseArgs } from 'node:util';
import { CONFIG_FLAGS, loadConfig } from '../config.js';
import { Daemon, STOP_DEADLINE_MS } from '../daemon.js';
import { ExitCode, UsageError } from '../errors.js';

export const RUN_HELP = `usage: vxmon run [--config FILE] [options]

Runs the daemon: captures VXLAN live, decodes it, and serves per-VNI metrics.
Settings come from flags, then VXMON_* environment variables, then the YAML
file (deploy/vxmon.example.yml shows every key), then defaults.

sources (at least one):
  --interface IF               capture on IF through libpcap (repeatable;
                               needs CAP_NET_RAW and the cap binding)
  --listen-udp ADDR:PORT       receive VXLAN on a UDP socket (repeatable; no
                               root, no libpcap: the kernel strips outer headers)
options:
  --config FILE                YAML configuration (env VXMON_CONFIG)
  --vxlan-port PORT[,PORT...]  UDP destination ports carrying VXLAN (default 4789)
  --geneve-port PORT[,...]     ports carrying Geneve (default 6081); "" for none
  --vxlan-gpe-port PORT[,...]  ports carrying VXLAN-GPE (default 4790); "" for none
  --max-tunnel-depth N         nested tunnel headers per frame (default 4)
  --dedup                      count a double-mirrored packet once (copies are
                               detected and counted per VNI pair either way)
  --dedup-window DUR           how close two copies must be (default 5ms)
  --reserved-bits POLICY       permissive (default) or strict
  --allow-source CIDR[,...]    accept tunnel frames only from these outer source
                               addresses (IPv4/IPv6 CIDRs; default any)
  --allow-vni VNI[,A-B...]     accept only these VNIs (default any)
  --bpf FILTER                 libpcap filter (default: udp dst port <each tunnel port>)
  --capture.buffer-size SIZE   libpcap ring size (default 256MiB)
  --web.listen-address ADDR    metrics and health endpoints (default :14789)
  --web.config.file FILE       TLS and basic auth for every endpoint (Prometheus
                               exporter-toolkit's web-config.yml format)
  --web.headers-timeout DUR    request headers must arrive within (default 5s)
  --web.request-timeout DUR    whole request must arrive within (default 10s)
  --web.keep-alive-timeout DUR idle kept-alive connections closed after (default 30s)
  --log.level LEVEL            fatal, error, warn, info (default), debug, trace
  --log.summary-interval DUR   seconds between summary log lines (default 60s; 0 off)
  --ready.max-silence DUR      /-/ready fails after this long without a frame (default 60s)
  -h, --help                   this help

signals: SIGHUP reloads the config file (VNI names, log level, summary
interval, readiness, allow lists, web config file); SIGTERM/SIGINT stop within 5 s with exit 0.
exit codes: 0 stopped cleanly, 2 bad flag or configuration (one line per
problem), 4 a source or the web address could not be opened.`;

export async function runCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: false,
      strict: true,
      options: { ...CONFIG_FLAGS, config: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    });
  } catch (e) {
    throw new UsageError(`run: ${(e as Error).message.split('\n')[0]}`);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(RUN_HELP + '\n');
    return ExitCode.OK;
  }
  const inputs = { flags: values as Record<string, unknown>, env: process.env, configFile: values.config as string | undefined };
  const daemon = new Daemon(loadConfig(inputs), inputs);
  await daemon.start();

  process.on('SIGHUP', () => daemon.reload());
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  // Whatever happens while stopping, the process is gone within the deadline.
  const deadline = setTimeout(() => {
    process.stderr.write(`vxmon: did not stop within ${STOP_DEADLINE_MS} ms after ${signal}; exiting\n`);
    process.exit(ExitCode.INTERNAL);
  }, STOP_DEADLINE_MS);
  deadline.unref();
  await daemon.stop(signal);
  return ExitCode.OK;
}

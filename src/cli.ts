#!/usr/bin/env node
/**
 * vxmon's entry point: picks the command, runs it, and turns every typed
 * control-plane error into one line on stderr and its exit code. Only an
 * untyped exception (a bug) prints a stack trace.
 */
import { readFileSync } from 'node:fs';
import { replayCommand } from './commands/replay-command.js';
import { runCommand } from './commands/run-command.js';
import { ExitCode, VxmonError } from './errors.js';

const HELP = `usage: vxmon COMMAND [options]

commands:
  replay FILE...   decode pcap/pcapng captures of VXLAN mirror traffic and
                   print per-VNI figures (vxmon replay --help)
  run              the daemon: capture live (libpcap or a UDP socket) and
                   serve per-VNI metrics (vxmon run --help)

options:
  -h, --help       this help
  --version        print the version`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(HELP + '\n');
      return command === undefined ? ExitCode.USAGE : ExitCode.OK;
    case '--version':
      process.stdout.write(`vxmon ${version()}\n`);
      return ExitCode.OK;
    case 'replay':
      return replayCommand(rest);
    case 'run':
      return runCommand(rest);
    default:
      process.stderr.write(`vxmon: unknown command "${command}" (see vxmon --help)\n`);
      return ExitCode.USAGE;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    if (e instanceof VxmonError) {
      // One line per problem (a config can have several), each saying what and where.
      for (const line of e.message.split('\n')) process.stderr.write(`vxmon: ${line}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`vxmon: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = ExitCode.INTERNAL;
    }
  },
);

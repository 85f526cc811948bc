#!/usr/bin/env node
/**
 * vxmon's entry point: picks the command, runs it, and turns every typed
 * control-plane error into one line on stderr and its exit code. Only an
 * untyped exception (a bug) prints a stack trace.
 */
import { readFileSync } from 'node:fs';
import { replayCommand } from './commands/replay-command.js';
import { ExitCode, VxmonError } from './errors.js';

const HELP = `usage: vxmon COMMAND [options]

commands:
  replay FILE...   decode pcap/pcapng captures of VXLAN mirror traffic and
                   print per-VNI figures (vxmon replay --help)

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
      process.stderr.write(`vxmon: ${e.message}\n`);
      process.exitCode = e.exitCode;
    } else {
      process.stderr.write(`vxmon: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
      process.exitCode = ExitCode.INTERNAL;
    }
  },
);

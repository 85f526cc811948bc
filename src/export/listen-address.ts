import { UsageError } from '../errors.js';

export interface ListenAddress {
  /** '' means every address (Node listens on :: and 0.0.0.0). */
  host: string;
  port: number;
}

/** Our default, outside the crowded 9100-9999 exporter range (DESIGN.md §5). */
export const DEFAULT_LISTEN_ADDRESS = ':14789';

/**
 * Parses a Prometheus-style listen address: `:14789`, `127.0.0.1:14789`,
 * `[::1]:14789`, `localhost:0` (0 picks a free port).
 */
export function parseListenAddress(flag: string, text: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new UsageError(`${flag}: "${text}" is not HOST:PORT (e.g. :14789, 127.0.0.1:14789, [::1]:14789)`);
  }
  return { host: m[1] ?? m[2] ?? '', port };
}

export function formatListenAddress(a: ListenAddress): string {
  const host = a.host.includes(':') ? `[${a.host}]` : a.host;
  return `${host}:${a.port}`;
}

import { readFileSync } from 'node:fs';
import type { Pipeline } from '../pipeline.js';
import { startWebServer, type Readiness, type WebServer } from './http-server.js';
import type { ListenAddress } from './listen-address.js';
import { createMetrics } from './metrics.js';
import { landingVnis } from './landing-page.js';
import type { WebConfig } from './web-config.js';
import type { Logger } from '../log.js';

/** vxmon's version, from package.json (one read at start, not per scrape). */
export function vxmonVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Starts the web endpoints over one pipeline's numbers. */
export function servePipeline(opts: {
  listen: ListenAddress;
  webConfig?: WebConfig;
  log?: Logger;
  pipeline: Pipeline;
  sources: string[];
  readiness: () => Readiness;
}): Promise<WebServer> {
  const version = vxmonVersion();
  const startedAt = new Date();
  return startWebServer({
    listen: opts.listen,
    webConfig: opts.webConfig,
    log: opts.log,
    registries: createMetrics({ pipeline: () => opts.pipeline, version }),
    readiness: opts.readiness,
    landing: () => ({ version, startedAt, sources: opts.sources, vnis: landingVnis(opts.pipeline) }),
  });
}

/** Resolves on the first SIGINT or SIGTERM. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

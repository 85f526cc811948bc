/**
 * The web endpoints (DESIGN.md §5): `/metrics` (Prometheus text, or
 * OpenMetrics when the scraper's Accept header asks for it), `/` (a small
 * landing page), `/-/healthy` (the process serves) and `/-/ready` (the
 * capture is open and producing; 503 with the reason otherwise).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListenError } from '../errors.js';
import type { ListenAddress } from './listen-address.js';
import { renderLandingPage, type LandingInfo } from './landing-page.js';
import type { MetricsRegistries } from './metrics.js';

export interface Readiness {
  ready: boolean;
  /** Why not ready (shown in the 503 body), or what is ready. */
  reason: string;
}

export interface WebServerOptions {
  listen: ListenAddress;
  registries: MetricsRegistries;
  landing: () => LandingInfo;
  readiness: () => Readiness;
  /** POST /-/reload (the daemon's SIGHUP): resolves to an error text when the reload failed. */
  reload?: () => string | undefined;
}

export interface WebServer {
  /** The bound address (the real port when 0 was asked for). */
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

function wantsOpenMetrics(req: IncomingMessage): boolean {
  return /application\/openmetrics-text/.test(req.headers.accept ?? '');
}

async function handle(opts: WebServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path === '/-/reload' && opts.reload) {
    if (req.method !== 'POST' && req.method !== 'PUT') {
      res.writeHead(405, { allow: 'POST, PUT', 'content-type': 'text/plain; charset=utf-8' }).end('use POST to reload\n');
      return;
    }
    const failure = opts.reload();
    res
      .writeHead(failure === undefined ? 200 : 500, { 'content-type': 'text/plain; charset=utf-8' })
      .end(failure === undefined ? 'configuration reloaded\n' : `reload failed, previous configuration kept:\n${failure}\n`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
    return;
  }
  switch (path) {
    case '/metrics': {
      const registry = wantsOpenMetrics(req) ? opts.registries.openMetrics : opts.registries.text;
      const body = await registry.metrics();
      res.writeHead(200, { 'content-type': registry.contentType }).end(body);
      return;
    }
    case '/-/healthy':
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('vxmon is healthy\n');
      return;
    case '/-/ready': {
      const r = opts.readiness();
      res.writeHead(r.ready ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' }).end(`${r.reason}\n`);
      return;
    }
    case '/':
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(renderLandingPage(opts.landing()));
      return;
    default:
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try /metrics\n');
  }
}

export function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const server = createServer((req, res) => {
    handle(opts, req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`internal error: ${(e as Error).message}\n`);
    });
  });
  // Slow or idle clients must not hold the exporter: Prometheus scrapes finish in well under this.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${opts.listen.host || '*'}:${opts.listen.port}`;
      const why = e.code === 'EADDRINUSE' ? 'address already in use' : e.code === 'EACCES' ? 'permission denied' : e.message;
      reject(new ListenError(`--web.listen-address ${where}: cannot listen: ${why}`));
    });
    server.listen({ host: opts.listen.host || undefined, port: opts.listen.port }, () => {
      const a = server.address() as AddressInfo;
      resolve({
        port: a.port,
        host: a.address,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

/**
 * The web endpoints (DESIGN.md §5): `/metrics` (Prometheus text, or
 * OpenMetrics when the scraper's Accept header asks for it), `/` (a small
 * landing page), `/-/healthy` (the process serves) and `/-/ready` (the
 * capture is open and producing; 503 with the reason otherwise).
 *
 * Locked down for a port that may face a hostile network: with a web config
 * file (web-config.ts) every endpoint is served over TLS and/or behind basic
 * auth; request headers are capped (MAX_HEADER_BYTES, Node answers 431) and
 * bodies too (MAX_BODY_BYTES, 413 and the connection closed); a client that
 * is slow to send its headers or its request, or idles on a kept-alive
 * connection, is cut off (WebTimeouts).
 */
import { createServer, type IncomingMessage, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ListenError } from '../errors.js';
import type { Logger } from '../log.js';
import { BasicAuth } from './basic-auth.js';
import type { TlsSettings, WebConfig } from './web-config.js';
import type { ListenAddress } from './listen-address.js';
import { renderLandingPage, type LandingInfo } from './landing-page.js';
import type { MetricsRegistries } from './metrics.js';

export interface Readiness {
  ready: boolean;
  /** Why not ready (shown in the 503 body), or what is ready. */
  reason: string;
}

/** Request line + headers; Node's own default is 16 KiB, a scrape sends a few hundred bytes. */
export const MAX_HEADER_BYTES = 8 * 1024;
/** Request bodies (only POST /-/reload takes one, and ignores it). */
export const MAX_BODY_BYTES = 4 * 1024;

/** Seconds. README "Securing the web endpoint" says why these values. */
export interface WebTimeouts {
  /** The whole request line and headers must arrive within this. */
  headers: number;
  /** The whole request, body included, must arrive within this. */
  request: number;
  /** An idle kept-alive connection is closed after this. */
  keepAlive: number;
}
export const DEFAULT_WEB_TIMEOUTS: Readonly<WebTimeouts> = Object.freeze({ headers: 5, request: 10, keepAlive: 30 });

export interface WebServerOptions {
  listen: ListenAddress;
  /** TLS and basic auth (undefined: plain HTTP, no auth). */
  webConfig?: WebConfig;
  timeouts?: WebTimeouts;
  /** Where refused logins are reported (warn); without it they are only answered 401. */
  log?: Logger;
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
  /** Whether it serves HTTPS. */
  readonly tls: boolean;
  /**
   * Applies a re-read web config to the next connections and requests (new
   * certificates, new users). Returns why not when it would need a restart
   * (TLS turned on or off, client_auth_type changed); the old one stays.
   */
  updateWebConfig(next: WebConfig | undefined): string | undefined;
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

/** Reads the request body, at most `limit` bytes; false when it is longer (the rest is not read). */
function readBody(req: IncomingMessage, limit: number): Promise<boolean> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve(false);
  return new Promise((resolve) => {
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        req.removeAllListeners('data');
        req.pause();
        resolve(false);
      }
    });
    req.on('end', () => resolve(true));
    req.on('error', () => resolve(false));
  });
}

function tlsOptions(tls: TlsSettings) {
  return {
    cert: tls.cert,
    key: tls.key,
    ca: tls.ca,
    minVersion: tls.minVersion,
    maxVersion: tls.maxVersion,
  };
}

export function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  let webConfig = opts.webConfig;
  let auth = new BasicAuth(webConfig?.users ?? new Map());
  const log = opts.log;
  const timeouts = opts.timeouts ?? DEFAULT_WEB_TIMEOUTS;

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!(await readBody(req, MAX_BODY_BYTES))) {
      res
        .writeHead(413, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' })
        .end(`request body too large (limit ${MAX_BODY_BYTES} bytes)\n`);
      return;
    }
    if (auth.enabled) {
      const r = await auth.check(req.headers.authorization);
      if (!r.ok && r.reason === 'busy') {
        // Too many password checks at once (basic-auth.ts MAX_CONCURRENT_BCRYPT): not a verdict on these credentials.
        res.writeHead(503, { 'retry-after': '1', 'content-type': 'text/plain; charset=utf-8' }).end('too many login attempts at once; retry\n');
        return;
      }
      if (!r.ok) {
        // Who and from where, never the password or the hash. A request without credentials is how
        // every browser starts (it retries after the 401), so only real attempts are warnings.
        if (r.reason !== 'no credentials') {
          log?.warn({ reason: r.reason, user: r.user, remote: req.socket.remoteAddress, path: (req.url ?? '/').split('?')[0] }, 'web request refused: basic auth failed');
        }
        res
          .writeHead(401, { 'www-authenticate': 'Basic realm="vxmon", charset="UTF-8"', 'content-type': 'text/plain; charset=utf-8' })
          .end('Unauthorized\n');
        return;
      }
    }
    await handle(opts, req, res);
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    serve(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`internal error: ${(e as Error).message}\n`);
    });
  };

  // Set explicitly rather than relying on Node's defaults (which have changed between versions):
  // Prometheus sends its scrape in one packet and reads the answer within its scrape timeout.
  const serverOptions: ServerOptions = {
    maxHeaderSize: MAX_HEADER_BYTES,
    headersTimeout: timeouts.headers * 1000,
    requestTimeout: timeouts.request * 1000,
    keepAliveTimeout: timeouts.keepAlive * 1000,
    // How often Node looks for connections past headersTimeout/requestTimeout (its default, 30 s,
    // would let a slow client hold a connection far longer than the timeouts say).
    connectionsCheckingInterval: Math.max(100, Math.min(1000, (timeouts.headers * 1000) / 2)),
  };
  const tls = webConfig?.tls;
  const server = tls
    ? createTlsServer(
        {
          ...serverOptions,
          ...tlsOptions(tls),
          requestCert: tls.requireClientCert,
          rejectUnauthorized: tls.requireClientCert,
          // A client that connects and never finishes the TLS handshake is cut off like one that never
          // finishes its headers (Node's default would let it hold the socket for 120 s).
          handshakeTimeout: timeouts.headers * 1000,
        },
        onRequest,
      )
    : createServer(serverOptions, onRequest);
  server.headersTimeout = serverOptions.headersTimeout!;
  server.requestTimeout = serverOptions.requestTimeout!;
  server.keepAliveTimeout = serverOptions.keepAliveTimeout!;

  const updateWebConfig = (next: WebConfig | undefined): string | undefined => {
    const was = webConfig?.tls;
    const now = next?.tls;
    if ((was === undefined) !== (now === undefined)) return `${next?.file ?? webConfig?.file}: turning TLS on or off needs a restart`;
    if (was && now && was.requireClientCert !== now.requireClientCert) return `${next!.file}: changing client_auth_type needs a restart`;
    if (now && 'setSecureContext' in server) server.setSecureContext(tlsOptions(now));
    webConfig = next;
    auth = new BasicAuth(next?.users ?? new Map());
    return undefined;
  };

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
        tls: tls !== undefined,
        updateWebConfig,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

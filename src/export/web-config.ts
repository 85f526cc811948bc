/**
 * The web config file (`--web.config.file`): TLS and basic auth for every
 * web endpoint, in the shape of Prometheus exporter-toolkit's web-config.yml
 * (docs/web-configuration.md there), so the file an operator already writes
 * for node_exporter works here:
 *
 *   tls_server_config:
 *     cert_file: server.crt          # PEM; both or neither
 *     key_file: server.key
 *     client_auth_type: RequireAndVerifyClientCert   # or NoClientCert (default)
 *     client_ca_file: ca.crt         # needed with RequireAndVerifyClientCert
 *     min_version: TLS12             # TLS10..TLS13, default TLS12
 *     max_version: TLS13
 *   basic_auth_users:
 *     prometheus: $2y$10$...         # bcrypt hashes (htpasswd -nBC 10 "" | tr -d ':\n')
 *
 * The keys exporter-toolkit has and vxmon does not implement (inline
 * cert/key, cipher_suites, curve_preferences, client_allowed_sans,
 * http_server_config, rate_limit, the weaker client_auth_types) are errors,
 * not silently ignored: a security setting that looks applied but is not is
 * worse than a refusal. Relative paths are relative to the web config file,
 * as in exporter-toolkit.
 *
 * Read once at start (a problem stops vxmon with exit 2) and again on every
 * SIGHUP / POST /-/reload: new certificates and users apply to the next
 * connection or request; turning TLS on or off needs a restart.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext, type SecureVersion } from 'node:tls';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';

export interface TlsSettings {
  cert: Buffer;
  key: Buffer;
  /** Client CA bundle; set with client_auth_type RequireAndVerifyClientCert. */
  ca: Buffer | undefined;
  requireClientCert: boolean;
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
}

export interface WebConfig {
  /** The file it came from, for messages. */
  file: string;
  tls: TlsSettings | undefined;
  /** user → bcrypt hash; empty: no basic auth. */
  users: ReadonlyMap<string, string>;
}

const TLS_VERSIONS: Record<string, SecureVersion> = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' };
const VERSION_ORDER: SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

/** exporter-toolkit keys vxmon refuses, with why. */
const UNSUPPORTED: Record<string, string> = {
  'tls_server_config.cert': 'inline certificates are not supported by vxmon: use cert_file',
  'tls_server_config.key': 'inline keys are not supported by vxmon: use key_file',
  'tls_server_config.client_ca': 'an inline client CA is not supported by vxmon: use client_ca_file',
  'tls_server_config.cipher_suites': 'not supported by vxmon (Node.js chooses the cipher suites)',
  'tls_server_config.curve_preferences': 'not supported by vxmon (Node.js chooses the curves)',
  'tls_server_config.prefer_server_cipher_suites': 'not supported by vxmon',
  'tls_server_config.client_allowed_sans': 'not supported by vxmon',
  http_server_config: 'not supported by vxmon',
  rate_limit: 'not supported by vxmon',
};
const TLS_KEYS = ['cert_file', 'key_file', 'client_auth_type', 'client_ca_file', 'min_version', 'max_version'];

/** A bcrypt hash as htpasswd -B, Go's x/crypto/bcrypt and bcryptjs write it: $2a$/$2b$/$2y$, cost 04-31, 53 chars of salt+hash. */
const BCRYPT = /^\$2[aby]\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/;

/**
 * Reads and checks the web config file. Returns the config, or the problems
 * (one line each, naming the file and key) when it is not usable.
 */
export function loadWebConfig(file: string): WebConfig | string[] {
  const problems: string[] = [];
  const at = (path: string, problem: string) => problems.push(`${file}: ${path}: ${problem}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return [`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`];
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return doc.errors.map((err) => {
      const pos = err.linePos?.[0];
      return `${file}:${pos ? `${pos.line}:${pos.col}` : '?'}: ${err.message.split('\n')[0]}`;
    });
  }
  const root = (doc.toJS() ?? {}) as unknown;
  if (!isMap(root)) return [`${file}: must be a map with tls_server_config and/or basic_auth_users`];

  let tlsRaw: Record<string, unknown> | undefined;
  let usersRaw: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(root)) {
    if (UNSUPPORTED[key]) at(key, UNSUPPORTED[key]);
    else if (key === 'tls_server_config') {
      if (value === null) continue;
      if (!isMap(value)) at(key, 'must be a map');
      else tlsRaw = value;
    } else if (key === 'basic_auth_users') {
      if (value === null) continue;
      if (!isMap(value)) at(key, 'must be a map of user name to bcrypt hash');
      else usersRaw = value;
    } else at(key, 'unknown setting');
  }

  const users = new Map<string, string>();
  for (const [user, hash] of Object.entries(usersRaw ?? {})) {
    // Never echo the value: it is a password hash.
    if (typeof hash !== 'string' || !BCRYPT.test(hash)) at(`basic_auth_users.${user}`, 'is not a bcrypt hash ($2a$, $2b$ or $2y$, e.g. from htpasswd -nBC 10 "" | tr -d \':\\n\')');
    else if (user.includes(':')) at(`basic_auth_users.${user}`, 'a user name cannot contain ":" (RFC 7617)');
    else users.set(user, hash);
  }

  let tls: TlsSettings | undefined;
  if (tlsRaw !== undefined) tls = readTls(file, tlsRaw, at);
  if (problems.length > 0) return problems;
  return { file, tls, users };
}

function readTls(file: string, raw: Record<string, unknown>, at: (path: string, problem: string) => void): TlsSettings | undefined {
  const base = dirname(file);
  const key = (k: string) => `tls_server_config.${k}`;
  let ok = true;
  for (const k of Object.keys(raw)) {
    if (UNSUPPORTED[key(k)]) {
      at(key(k), UNSUPPORTED[key(k)]);
      ok = false;
    } else if (!TLS_KEYS.includes(k)) {
      at(key(k), 'unknown setting');
      ok = false;
    }
  }
  const readPem = (k: string): Buffer | undefined => {
    const v = raw[k];
    if (typeof v !== 'string' || v === '') {
      at(key(k), 'must be a file name');
      return undefined;
    }
    const path = resolve(base, v);
    try {
      return readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      at(key(k), `${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
      return undefined;
    }
  };
  if (raw.cert_file === undefined || raw.key_file === undefined) {
    at('tls_server_config', 'needs both cert_file and key_file');
    return undefined;
  }
  const cert = readPem('cert_file');
  const keyPem = readPem('key_file');

  const authType = raw.client_auth_type ?? 'NoClientCert';
  let requireClientCert = false;
  let ca: Buffer | undefined;
  if (authType === 'RequireAndVerifyClientCert') {
    requireClientCert = true;
    if (raw.client_ca_file === undefined) {
      at(key('client_auth_type'), 'RequireAndVerifyClientCert needs client_ca_file');
      ok = false;
    } else ca = readPem('client_ca_file');
  } else if (authType !== 'NoClientCert') {
    at(key('client_auth_type'), `"${String(authType)}" is not supported by vxmon: use NoClientCert or RequireAndVerifyClientCert (the others let unverified clients in)`);
    ok = false;
  } else if (raw.client_ca_file !== undefined) {
    at(key('client_ca_file'), 'is only used with client_auth_type RequireAndVerifyClientCert');
    ok = false;
  }

  const version = (k: string, dflt: string): SecureVersion | undefined => {
    const v = raw[k] ?? dflt;
    const out = TLS_VERSIONS[String(v)];
    if (out === undefined) at(key(k), `must be one of ${Object.keys(TLS_VERSIONS).join(', ')}, not "${String(v)}"`);
    return out;
  };
  const minVersion = version('min_version', 'TLS12');
  const maxVersion = version('max_version', 'TLS13');
  if (minVersion && maxVersion && VERSION_ORDER.indexOf(minVersion) > VERSION_ORDER.indexOf(maxVersion)) {
    at(key('min_version'), 'is above max_version');
    ok = false;
  }
  if (!ok || !cert || !keyPem || !minVersion || !maxVersion || (requireClientCert && !ca)) return undefined;

  // Let OpenSSL say now, not at the first handshake, whether the PEMs parse and the key fits the certificate.
  try {
    createSecureContext({ cert, key: keyPem, ca });
  } catch (e) {
    at('tls_server_config', `cannot use cert_file/key_file${ca ? '/client_ca_file' : ''}: ${(e as Error).message}`);
    return undefined;
  }
  return { cert, key: keyPem, ca, requireClientCert, minVersion, maxVersion };
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

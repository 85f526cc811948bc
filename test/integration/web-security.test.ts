/**
 * The locked-down web endpoint of `vxmon run`, tested the way a user meets
 * it: the daemon as a process, real `curl` against it, a certificate made by
 * `openssl` for this test, and raw TCP clients for the slow-client cases.
 *
 * The bcrypt hash is not made by the code under test: it is a published
 * test vector of OpenBSD-style bcrypt (openwall crypt_blowfish's wrapper.c
 * tests): password "U*U", hash
 * $2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW (cost 5, so the
 * test is quick; `$2y$` is the same algorithm, as htpasswd writes it).
 *
 * Ports: the daemons listen for VXLAN on 127.0.0.1:24791-24793 (this
 * branch's range; no traffic is sent there) and serve the web on a free port.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool, MUST_HAVE_TOOLS } from './tools.js';
import { startDaemon, stopDaemon, type Daemon } from './daemon-process.js';

import { AS_NOBODY, cliForNobody, removeCliCopy } from './as-nobody.js';

afterAll(removeCliCopy);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const HASH = '$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';
const PASSWORD = 'U*U';
const WRONG_PASSWORD = 'wrong-pass-7f3a';

const tmp = mkdtempSync(join(tmpdir(), 'vxmon-web-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const haveTools = hasTool('curl') && hasTool('openssl', 'version');

interface CurlResult {
  exit: number;
  status: number;
  headers: string;
  body: string;
}

function curl(args: string[]): CurlResult {
  const marker = '\n--vxmon-status:';
  const r = spawnSync('curl', ['-sS', '-D', '-', '-w', `${marker}%{http_code}`, '--max-time', '20', ...args], { encoding: 'utf8' });
  const text = r.stdout ?? '';
  const at = text.lastIndexOf(marker);
  const head = at >= 0 ? text.slice(0, at) : text;
  const split = head.indexOf('\r\n\r\n');
  return {
    exit: r.status ?? -1,
    status: at >= 0 ? Number(text.slice(at + marker.length)) : 0,
    headers: split >= 0 ? head.slice(0, split) : head,
    body: split >= 0 ? head.slice(split + 4) : '',
  };
}

function writeFile(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

/** Waits until `check` is true, polling (for effects of a signal); fails after 20 s. */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(check()).toBe(true);
}

if (!haveTools && !MUST_HAVE_TOOLS) {
  describe('web endpoint security', () => it.skip('skipped: needs curl and openssl (apt-get install curl openssl)', () => {}));
} else {
  let cert = '';
  let key = '';
  beforeAll(() => {
    // A self-signed EC certificate for 127.0.0.1, valid for a day.
    cert = join(tmp, 'server.crt');
    key = join(tmp, 'server.key');
    const r = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=vxmon-test', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert,
    ], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });

  describe('TLS + basic auth from a web config file (exporter-toolkit format)', () => {
    let d: Daemon;
    let base = '';
    beforeAll(async () => {
      const web = writeFile('web-tls.yml', `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: ${HASH}\n`);
      d = await startDaemon(['--listen-udp', '127.0.0.1:24791', '--web.config.file', web]);
      base = `https://127.0.0.1:${d.webPort}`;
    });
    afterAll(async () => {
      if (d) await stopDaemon(d);
    });

    it('the right password over TLS: 200 on every endpoint', () => {
      const auth = ['--cacert', cert, '-u', `prometheus:${PASSWORD}`];
      const metrics = curl([...auth, `${base}/metrics`]);
      expect(metrics.status).toBe(200);
      expect(metrics.body).toMatch(/^vxmon_frames_total 0$/m);
      // Again: the second scrape is answered from the verification cache (same outcome, one hash instead of bcrypt).
      expect(curl([...auth, `${base}/metrics`]).status).toBe(200);
      expect(curl([...auth, `${base}/`]).status).toBe(200);
      expect(curl([...auth, `${base}/-/healthy`]).status).toBe(200);
      expect(curl([...auth, `${base}/-/ready`]).status).toBe(200);
      expect(curl([...auth, '-X', 'POST', `${base}/-/reload`]).status).toBe(200);
    });

    it('no credentials: 401 with WWW-Authenticate on every endpoint', () => {
      for (const path of ['/metrics', '/', '/-/healthy', '/-/ready', '/nope']) {
        const r = curl(['--cacert', cert, `${base}${path}`]);
        expect(r.status).toBe(401);
        expect(r.headers).toMatch(/^www-authenticate: Basic realm="vxmon"/im);
        expect(r.body).not.toMatch(/vxmon_/);
      }
      expect(curl(['--cacert', cert, '-X', 'POST', `${base}/-/reload`]).status).toBe(401);
    });

    it('a wrong password or an unknown user: 401, logged at warn without the password or the hash', async () => {
      const wrong = curl(['--cacert', cert, '-u', `prometheus:${WRONG_PASSWORD}`, `${base}/metrics`]);
      expect(wrong.status).toBe(401);
      expect(wrong.headers).toMatch(/^www-authenticate: Basic/im);
      expect(curl(['--cacert', cert, '-u', `mallory:${PASSWORD}`, `${base}/metrics`]).status).toBe(401);
      const refusals = () => d.out().split('\n').filter((l) => l.includes('basic auth failed'));
      await eventually(() => refusals().length >= 2); // pino writes asynchronously
      const lines = refusals().map((l) => JSON.parse(l));
      expect(lines).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ level: 40, component: 'web', reason: 'wrong password', user: 'prometheus', path: '/metrics' }),
          expect.objectContaining({ level: 40, component: 'web', reason: 'unknown user', user: 'mallory' }),
        ]),
      );
      expect(d.out()).not.toContain(WRONG_PASSWORD);
      expect(d.out()).not.toContain(PASSWORD);
      expect(d.out()).not.toContain('CCCCCCCC');
    });

    it('plain HTTP to the TLS port gets no answer; an unknown CA is refused by curl', () => {
      const plain = curl(['-u', `prometheus:${PASSWORD}`, `http://127.0.0.1:${d.webPort}/metrics`]);
      expect(plain.status).not.toBe(200);
      expect(plain.exit).not.toBe(0);
      expect(plain.body).not.toMatch(/vxmon_/);
      const noCa = curl(['-u', `prometheus:${PASSWORD}`, `${base}/metrics`]);
      expect(noCa.exit).toBe(60); // curl: peer certificate cannot be authenticated with known CA certificates
    });

    it('a client that connects and never starts the TLS handshake is cut off by the server', async () => {
      // The daemon runs with the default 5 s headers timeout, which is also its TLS handshake timeout.
      const socket = connect(d.webPort, '127.0.0.1');
      socket.resume(); // read, so the server's FIN is seen
      await new Promise<void>((resolve) => socket.on('close', () => resolve()));
      expect(socket.destroyed).toBe(true);
    }, 60_000);

    it('SIGHUP re-reads the web config: users change at once; turning TLS off needs a restart', async () => {
      const web = join(tmp, 'web-tls.yml');
      writeFileSync(web, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  grafana: ${HASH}\n`);
      d.child.kill('SIGHUP');
      await eventually(() => curl(['--cacert', cert, '-u', `grafana:${PASSWORD}`, `${base}/metrics`]).status === 200);
      expect(curl(['--cacert', cert, '-u', `prometheus:${PASSWORD}`, `${base}/metrics`]).status).toBe(401);

      writeFileSync(web, `basic_auth_users:\n  prometheus: ${HASH}\n`);
      const r = curl(['--cacert', cert, '-u', `grafana:${PASSWORD}`, '-X', 'POST', `${base}/-/reload`]);
      expect(r.status).toBe(500);
      expect(r.body).toContain('turning TLS on or off needs a restart');
      // The previous web config is kept whole.
      expect(curl(['--cacert', cert, '-u', `grafana:${PASSWORD}`, `${base}/metrics`]).status).toBe(200);
      const metrics = curl(['--cacert', cert, '-u', `grafana:${PASSWORD}`, `${base}/metrics`]).body;
      expect(metrics).toMatch(/^vxmon_config_last_reload_successful 0$/m);
    });
  });

  describe('mutual TLS: client_auth_type RequireAndVerifyClientCert', () => {
    let d: Daemon;
    let base = '';
    beforeAll(async () => {
      // A CA, a client certificate it signs, and a client certificate it does not.
      const sh = (args: string[]) => {
        const r = spawnSync('openssl', args, { encoding: 'utf8', cwd: tmp });
        expect(r.status, r.stderr).toBe(0);
      };
      const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
      sh(['req', '-x509', ...ec, '-days', '1', '-subj', '/CN=vxmon-test-ca', '-keyout', 'ca.key', '-out', 'ca.crt']);
      sh(['req', ...ec, '-subj', '/CN=prometheus', '-keyout', 'client.key', '-out', 'client.csr']);
      sh(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1', '-out', 'client.crt']);
      sh(['req', '-x509', ...ec, '-days', '1', '-subj', '/CN=stranger', '-keyout', 'stranger.key', '-out', 'stranger.crt']);
      const web = writeFile('web-mtls.yml', 'tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  min_version: TLS13\n');
      d = await startDaemon(['--listen-udp', '127.0.0.1:24795', '--web.config.file', web]);
      base = `https://127.0.0.1:${d.webPort}`;
    });
    afterAll(async () => {
      if (d) await stopDaemon(d);
    });

    it('a client certificate signed by client_ca_file gets in; none or another one does not', () => {
      const ok = curl(['--cacert', cert, '--cert', join(tmp, 'client.crt'), '--key', join(tmp, 'client.key'), `${base}/metrics`]);
      expect(ok.status).toBe(200);
      expect(ok.body).toMatch(/^vxmon_frames_total 0$/m);
      expect(curl(['--cacert', cert, `${base}/metrics`]).status).not.toBe(200);
      expect(curl(['--cacert', cert, '--cert', join(tmp, 'stranger.crt'), '--key', join(tmp, 'stranger.key'), `${base}/metrics`]).status).not.toBe(200);
    });

    it('min_version TLS13: a TLS 1.2 client is refused', () => {
      const r = curl(['--cacert', cert, '--cert', join(tmp, 'client.crt'), '--key', join(tmp, 'client.key'), '--tls-max', '1.2', `${base}/metrics`]);
      expect(r.status).not.toBe(200);
      expect(r.exit).not.toBe(0);
    });
  });

  describe('vxmon replay --serve takes the same web config file', () => {
    it('basic auth on the replay server; a bad file is exit 2 before anything is read', async () => {
      const web = writeFile('web-replay.yml', `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: ${HASH}\n`);
      const capture = join(ROOT, 'pcaps/corpus/suricata-verify/vxlan-decoder-03/vxlan.pcap');
      const child = spawn(process.execPath, [CLI, 'replay', '--serve', '--web.listen-address', '127.0.0.1:0', '--web.config.file', web, capture], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
      await eventually(() => /replay finished/.test(err));
      const port = Number(/https:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(err)![1]);
      try {
        expect(curl(['--cacert', cert, `https://127.0.0.1:${port}/metrics`]).status).toBe(401);
        const ok = curl(['--cacert', cert, '-u', `prometheus:${PASSWORD}`, `https://127.0.0.1:${port}/metrics`]);
        expect(ok.status).toBe(200);
        expect(ok.body).toMatch(/^vxmon_frames_total 100$/m); // the sample's 100 frames (its tshark oracle)
      } finally {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      const bad = writeFile('web-replay-bad.yml', 'basic_auth_users:\n  prometheus: plain-text\n');
      const r = spawnSync(process.execPath, [CLI, 'replay', '--serve', '--web.listen-address', '127.0.0.1:0', '--web.config.file', bad, capture], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^vxmon: ${bad}: basic_auth_users\\.prometheus: is not a bcrypt hash[^\\n]*\\n$`));
    }, 30_000);
  });

  describe('size limits and timeouts (plain HTTP, short timeouts set for the test)', () => {
    let d: Daemon;
    beforeAll(async () => {
      d = await startDaemon([
        '--listen-udp', '127.0.0.1:24792',
        '--web.headers-timeout', '1s', '--web.request-timeout', '2s', '--web.keep-alive-timeout', '1s',
      ]);
    });
    afterAll(async () => {
      if (d) await stopDaemon(d);
    });

    it('headers over 8 KiB: 431', () => {
      expect(curl(['-H', `X-Big: ${'a'.repeat(10_000)}`, `http://127.0.0.1:${d.webPort}/metrics`]).status).toBe(431);
      expect(curl(['-H', `X-Small: ${'a'.repeat(1_000)}`, `http://127.0.0.1:${d.webPort}/metrics`]).status).toBe(200);
    });

    it('a request body over 4 KiB: 413, whether its length is declared or chunked', () => {
      const url = `http://127.0.0.1:${d.webPort}/-/reload`;
      const big = writeFile('body-5000', 'x'.repeat(5000));
      const small = writeFile('body-100', 'x'.repeat(100));
      const declared = curl(['--data-binary', `@${big}`, url]);
      expect(declared.status).toBe(413);
      expect(declared.body).toBe('request body too large (limit 4096 bytes)\n');
      expect(curl(['-H', 'Transfer-Encoding: chunked', '--data-binary', `@${big}`, url]).status).toBe(413);
      expect(curl(['--data-binary', `@${small}`, url]).status).toBe(200);
    });

    it('a client that sends half its headers is cut off by the server', async () => {
      const socket = connect(d.webPort, '127.0.0.1');
      let received = '';
      socket.on('data', (b) => (received += b.toString()));
      socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n'); // no blank line: the headers never end
      await new Promise<void>((resolve) => socket.on('close', () => resolve()));
      // Node answers 408 Request Timeout (or just closes); it never serves the request.
      expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
    }, 30_000);

    it('a client that connects and sends nothing is cut off by the server', async () => {
      const socket = connect(d.webPort, '127.0.0.1');
      let received = '';
      socket.on('data', (b) => (received += b.toString()));
      await new Promise<void>((resolve) => socket.on('close', () => resolve()));
      expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
    }, 30_000);

    it('an idle kept-alive connection is closed by the server after its request', async () => {
      const socket = connect(d.webPort, '127.0.0.1');
      let received = '';
      socket.on('data', (b) => (received += b.toString()));
      socket.write('GET /-/healthy HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
      await new Promise<void>((resolve) => socket.on('close', () => resolve()));
      expect(received).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(received).toMatch(/\r\nKeep-Alive: timeout=1\r\n/i);
    }, 30_000);
  });

  describe('a bad web config file stops vxmon at start: one line naming the file and the problem, exit 2', () => {
    function run(webConfig: string) {
      const r = spawnSync(process.execPath, [CLI, 'run', '--listen-udp', '127.0.0.1:24793', '--web.listen-address', '127.0.0.1:0', '--web.config.file', webConfig], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      return { code: r.status, stderr: r.stderr };
    }

    it.each([
      ['missing certificate', `tls_server_config:\n  cert_file: nope.crt\n  key_file: server.key\n`, (f: string) => `vxmon: ${f}: tls_server_config.cert_file: ${join(tmp, 'nope.crt')}: no such file\n`],
      ['bad YAML', `basic_auth_users:\n  prometheus: [unclosed\n`, (f: string) => new RegExp(`^vxmon: ${f}:\\d+:\\d+: .+\\n$`)],
      ['bad hash', `basic_auth_users:\n  prometheus: not-a-bcrypt-hash\n`, (f: string) => `vxmon: ${f}: basic_auth_users.prometheus: is not a bcrypt hash ($2a$, $2b$ or $2y$, e.g. from htpasswd -nBC 10 "" | tr -d ':\\n')\n`],
      ['unknown key', `basic_auth_user:\n  prometheus: ${HASH}\n`, (f: string) => `vxmon: ${f}: basic_auth_user: unknown setting\n`],
      ['unsupported exporter-toolkit key', `rate_limit:\n  interval: 1s\n`, (f: string) => `vxmon: ${f}: rate_limit: not supported by vxmon\n`],
      ['a key that does not fit the certificate', `tls_server_config:\n  cert_file: server.crt\n  key_file: other.key\n`, (f: string) => new RegExp(`^vxmon: ${f}: tls_server_config: cannot use cert_file/key_file: .+\\n$`)],
    ])('%s', (name, text, expected) => {
      if (name.startsWith('a key that')) {
        const r = spawnSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(tmp, 'other.key')]);
        expect(r.status).toBe(0);
      }
      const f = writeFile(`bad-${name.replace(/\W+/g, '-')}.yml`, text);
      const r = run(f);
      expect(r.code).toBe(2);
      const want = expected(f);
      if (typeof want === 'string') expect(r.stderr).toBe(want);
      else expect(r.stderr).toMatch(want);
    });

    it('an unreadable file (here: a directory)', () => {
      const dir = join(tmp, 'web-dir.yml');
      mkdirSync(dir, { recursive: true });
      const r = run(dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^vxmon: ${dir}: EISDIR[^\\n]*\\n$`));
    });

    it('an unreadable file (no permission, checked as a non-root user when run as root)', () => {
      const f = writeFile('web-0000.yml', `basic_auth_users:\n  prometheus: ${HASH}\n`);
      chmodSync(f, 0o000);
      if (process.getuid?.() === 0) {
        // root reads any file; run vxmon as nobody instead (tmp must be traversable).
        chmodSync(tmp, 0o755);
        const r = spawnSync('setpriv', [...AS_NOBODY, process.execPath, cliForNobody(), 'run', '--listen-udp', '127.0.0.1:24793', '--web.listen-address', '127.0.0.1:0', '--web.config.file', f], {
          encoding: 'utf8',
          timeout: 20_000,
        });
        expect(r.status).toBe(2);
        expect(r.stderr).toBe(`vxmon: ${f}: permission denied\n`);
      } else {
        const r = run(f);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`vxmon: ${f}: permission denied\n`);
      }
    });
  });
}

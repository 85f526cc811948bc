import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWebConfig } from '../../../src/export/web-config.js';

// A published bcrypt test vector (openwall crypt_blowfish): "U*U".
const HASH = '$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';
const tmp = mkdtempSync(join(tmpdir(), 'vxmon-webcfg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function file(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}

describe('loadWebConfig', () => {
  it('basic auth only', () => {
    const f = file('auth.yml', `basic_auth_users:\n  prometheus: ${HASH}\n  grafana: "${HASH}"\n`);
    const c = loadWebConfig(f);
    expect(Array.isArray(c)).toBe(false);
    if (Array.isArray(c)) return;
    expect(c.tls).toBeUndefined();
    expect([...c.users.keys()]).toEqual(['prometheus', 'grafana']);
  });

  it('an empty file: no TLS, no users', () => {
    expect(loadWebConfig(file('empty.yml', ''))).toMatchObject({ tls: undefined, users: new Map() });
  });

  it('deploy/web-config.example.yml: every key known; only its certificate files are absent here', () => {
    const example = fileURLToPath(new URL('../../../deploy/web-config.example.yml', import.meta.url));
    const dir = fileURLToPath(new URL('../../../deploy/', import.meta.url));
    expect(loadWebConfig(example)).toEqual([
      `${example}: tls_server_config.cert_file: ${dir}vxmon.crt: no such file`,
      `${example}: tls_server_config.key_file: ${dir}vxmon.key: no such file`,
    ]);
  });

  it('every problem on its own line, naming the key', () => {
    const f = file('bad.yml', [
      'tls_server_config:',
      '  cert_file: a.crt',
      '  key_file: a.key',
      '  client_auth_type: RequireAnyClientCert',
      '  min_version: TLS13',
      '  max_version: TLS12',
      '  cipher_suites: [TLS_AES_128_GCM_SHA256]',
      'basic_auth_users:',
      '  "a:b": ' + HASH,
      '  bob: $2y$10$short',
      'http_server_config: {http2: false}',
    ].join('\n'));
    expect(loadWebConfig(f)).toEqual([
      `${f}: http_server_config: not supported by vxmon`,
      `${f}: basic_auth_users.a:b: a user name cannot contain ":" (RFC 7617)`,
      `${f}: basic_auth_users.bob: is not a bcrypt hash ($2a$, $2b$ or $2y$, e.g. from htpasswd -nBC 10 "" | tr -d ':\\n')`,
      `${f}: tls_server_config.cipher_suites: not supported by vxmon (Node.js chooses the cipher suites)`,
      `${f}: tls_server_config.cert_file: ${tmp}/a.crt: no such file`,
      `${f}: tls_server_config.key_file: ${tmp}/a.key: no such file`,
      `${f}: tls_server_config.client_auth_type: "RequireAnyClientCert" is not supported by vxmon: use NoClientCert or RequireAndVerifyClientCert (the others let unverified clients in)`,
      `${f}: tls_server_config.min_version: is above max_version`,
    ]);
  });

  it('needs both cert_file and key_file; RequireAndVerifyClientCert needs a CA', () => {
    const f = file('half.yml', 'tls_server_config:\n  cert_file: a.crt\n');
    expect(loadWebConfig(f)).toEqual([`${f}: tls_server_config: needs both cert_file and key_file`]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureFilter, loadConfig, parseDuration, parseSize } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'vxmon-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
function yaml(name: string, text: string): string {
  const p = join(tmp, name);
  writeFileSync(p, text);
  return p;
}
/** The problems loadConfig reports, one string per line. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message.split('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig precedence: flags > VXMON_* > YAML > defaults', () => {
  const file = yaml('full.yml', [
    'interfaces: [eth1]',
    'vxlan_ports: [4789, 8472]',
    'capture:',
    '  buffer_size: 64MiB',
    '  bpf: "udp dst port 4789"',
    'web:',
    '  listen_address: "127.0.0.1:9999"',
    'log:',
    '  level: warn',
    '  summary_interval: 5m',
    'vnis:',
    '  16398363: {name: prod-web, account: "123456789012", eni: eni-0abc}',
    '  42: staging',
  ].join('\n'));

  it('takes the file over the defaults', () => {
    const c = loadConfig({ flags: {}, env: {}, configFile: file });
    expect(c.interfaces).toEqual(['eth1']);
    expect(c.vxlanPorts).toEqual([4789, 8472]);
    expect(c.captureBufferSize).toBe(64 * 1024 * 1024);
    expect(c.webListenAddress).toEqual({ host: '127.0.0.1', port: 9999 });
    expect(c.logLevel).toBe('warn');
    expect(c.logSummaryInterval).toBe(300);
    expect(c.readyMaxSilence).toBe(60); // default
    expect(c.reservedBits).toBe('permissive'); // default
    expect(c.vnis).toEqual({ '16398363': { name: 'prod-web', account: '123456789012', eni: 'eni-0abc' }, '42': { name: 'staging' } });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('environment over file, flags over environment', () => {
    const env = { VXMON_LOG_LEVEL: 'debug', VXMON_INTERFACES: 'eth2,eth3', VXMON_WEB_LISTEN_ADDRESS: ':1' };
    const c = loadConfig({ flags: { 'log.level': 'error' }, env, configFile: file });
    expect(c.logLevel).toBe('error');
    expect(c.interfaces).toEqual(['eth2', 'eth3']);
    expect(c.webListenAddress).toEqual({ host: '', port: 1 });
  });

  it('VXMON_CONFIG names the file when --config is absent', () => {
    expect(loadConfig({ flags: {}, env: { VXMON_CONFIG: file } }).interfaces).toEqual(['eth1']);
  });

  it('defaults: 256 MiB libpcap ring, :14789, a filter per VXLAN port', () => {
    const c = loadConfig({ flags: { 'listen-udp': ['127.0.0.1:4789'], 'vxlan-port': '4789,8472' }, env: {} });
    expect(c.captureBufferSize).toBe(268435456);
    expect(c.webListenAddress).toEqual({ host: '', port: 14789 });
    expect(c.listenUdp).toEqual([{ host: '127.0.0.1', port: 4789 }]);
    expect(captureFilter(c)).toBe('udp dst port 4789 or udp dst port 8472 or udp dst port 6081 or udp dst port 4790');
    expect([c.genevePorts, c.vxlanGpePorts, c.maxTunnelDepth]).toEqual([[6081], [4790], 4]);
  });

  it('Geneve and VXLAN-GPE ports and the tunnel depth are configurable; a port in two lists is refused', () => {
    const c = loadConfig({ flags: { 'listen-udp': ['127.0.0.1:4789'], 'geneve-port': '6081,16081', 'vxlan-gpe-port': '', 'max-tunnel-depth': '2' }, env: {} });
    expect([c.genevePorts, c.vxlanGpePorts, c.maxTunnelDepth]).toEqual([[6081, 16081], [], 2]);
    expect(captureFilter(c)).toBe('udp dst port 4789 or udp dst port 6081 or udp dst port 16081');
    expect(() => loadConfig({ flags: { 'listen-udp': ['127.0.0.1:4789'], 'geneve-port': '4789' }, env: {} })).toThrow(
      /geneve_ports: port 4789 is already in vxlan_ports/,
    );
    expect(() => loadConfig({ flags: { 'listen-udp': ['127.0.0.1:4789'] }, env: { VXMON_MAX_TUNNEL_DEPTH: '0' } })).toThrow(
      /VXMON_MAX_TUNNEL_DEPTH: "0" is not a whole number from 1 to 16/,
    );
  });

  it('dedup: off with a 5 ms window by default; --dedup flag, VXMON_DEDUP, dedup_window from the file', () => {
    const base = { 'listen-udp': ['127.0.0.1:4789'] };
    const d = loadConfig({ flags: base, env: {} });
    expect([d.dedup, d.dedupWindow]).toEqual([false, 0.005]);
    expect(loadConfig({ flags: { ...base, dedup: true }, env: {} }).dedup).toBe(true);
    expect(loadConfig({ flags: base, env: { VXMON_DEDUP: 'true', VXMON_DEDUP_WINDOW: '2ms' } })).toMatchObject({ dedup: true, dedupWindow: 0.002 });
    const file = yaml('dedup.yml', 'listen_udp: ["127.0.0.1:4789"]\ndedup: true\ndedup_window: 0.5ms\n');
    expect(loadConfig({ flags: {}, env: {}, configFile: file })).toMatchObject({ dedup: true, dedupWindow: 0.0005 });
    expect(() => loadConfig({ flags: base, env: { VXMON_DEDUP: 'maybe' } })).toThrow(/VXMON_DEDUP: must be true or false, not "maybe"/);
    expect(() => loadConfig({ flags: { ...base, 'dedup-window': '1h' }, env: {} })).toThrow(/--dedup-window: "1h" is not a duration/);
  });
});

describe('loadConfig errors: one line per problem, saying what and where', () => {
  it('names the flag, the variable or the file and key', () => {
    const file = yaml('bad.yml', 'interfaces: [eth0]\ncapture:\n  buffer_size: lots\nlog:\n  level: loud\n');
    expect(
      problems(() =>
        loadConfig({ flags: { 'vxlan-port': '4789,99999' }, env: { VXMON_READY_MAX_SILENCE: 'soon' }, configFile: file }),
      ),
    ).toEqual([
      `${file}: capture.buffer_size: "lots" is not a size between 1MiB and 4GiB (e.g. 268435456 or 256MiB)`,
      `${file}: log.level: must be one of fatal, error, warn, info, debug, trace, not "loud"`,
      'VXMON_READY_MAX_SILENCE: "soon" is not a positive duration (e.g. 60s)',
      '--vxlan-port: "99999" is not a UDP port (1-65535)',
    ]);
  });

  it('an unknown key is an error, not silently ignored', () => {
    const file = yaml('typo.yml', 'interface: eth0\nlog:\n  levle: info\n');
    expect(problems(() => loadConfig({ flags: {}, env: {}, configFile: file }))).toEqual([
      `${file}: interface: unknown setting`,
      `${file}: log.levle: unknown setting`,
    ]);
  });

  it('a YAML syntax error gives the line and column', () => {
    const file = yaml('syntax.yml', 'interfaces: [eth0\nlog: {level: info\n');
    const lines = problems(() => loadConfig({ flags: {}, env: {}, configFile: file }));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(new RegExp(`^${file}:\\d+:\\d+: `));
  });

  it('a missing file, a bad VNI map, and no source at all', () => {
    expect(problems(() => loadConfig({ flags: {}, env: {}, configFile: join(tmp, 'nope.yml') }))).toEqual([
      `${join(tmp, 'nope.yml')}: no such file`,
    ]);
    const file = yaml('vnis.yml', 'listen_udp: ["127.0.0.1:4789"]\nvnis:\n  abc: x\n  17: {label: y}\n');
    // (integer-like keys come first in a JS object, whatever the file's order)
    expect(problems(() => loadConfig({ flags: {}, env: {}, configFile: file }))).toEqual([
      `${file}: vnis.17: needs a name (a string, or {name, account, eni})`,
      `${file}: vnis.abc: "abc" is not a VNI (0-16777215)`,
    ]);
    expect(problems(() => loadConfig({ flags: {}, env: {} }))).toEqual([
      'no source: give --interface IF and/or --listen-udp ADDR:PORT (or interfaces/listen_udp in the config file)',
    ]);
    // account and eni become the account-id and interface-id of Flow Logs lines: 12 digits, eni- and hex
    const owners = yaml('vnis-owners.yml', 'listen_udp: ["127.0.0.1:4789"]\nvnis:\n  18: {name: y, account: "1234 5678", eni: ""}\n  19: {name: z, account: 012345678901, eni: "eni-0abc"}\n');
    expect(problems(() => loadConfig({ flags: {}, env: {}, configFile: owners }))).toEqual([
      `${owners}: vnis.18: account "1234 5678" is not a 12-digit AWS account ID`,
      `${owners}: vnis.18: eni "" is not an ENI ID (eni- and hex digits)`,
      `${owners}: vnis.19: account 12345678901 is not a 12-digit AWS account ID (write it in quotes: a YAML number loses leading zeros)`,
    ]);
  });
});

describe('value parsers', () => {
  it('sizes and durations', () => {
    expect(parseSize('256MiB')).toBe(268435456);
    expect(parseSize('64 MB')).toBe(64e6);
    expect(parseSize('1024')).toBe(1024);
    expect(parseSize('12 parsecs')).toBeUndefined();
    expect(parseDuration('60s')).toBe(60);
    expect(parseDuration('5m')).toBe(300);
    expect(parseDuration('1h')).toBe(3600);
    expect(parseDuration('250ms')).toBe(0.25);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('-1s')).toBeUndefined();
  });
});

describe('deploy/vxmon.example.yml', () => {
  it('loads without a problem and says what the defaults say', () => {
    const file = new URL('../../deploy/vxmon.example.yml', import.meta.url).pathname;
    const c = loadConfig({ flags: {}, env: {}, configFile: file });
    expect(c.interfaces).toEqual(['ens5']);
    expect(c.timeouts).toEqual({ tcpOpening: 60, tcpEstablished: 350, tcpClosed: 10, udp: 120, icmp: 30 });
    expect(c.maxSessions).toBe(1_000_000);
    expect(c.maxVnis).toBe(256);
    expect(c.captureBufferSize).toBe(256 * 1024 * 1024);
    expect(c.vnis['16398363']).toEqual({ name: 'prod-web-eni', account: '123456789012', eni: 'eni-0123456789abcdef0' });
  });
});

describe('allow_source / allow_vni (spoofed-VXLAN defence)', () => {
  it('from the file as lists, from the environment and flags as comma lists', () => {
    const file = yaml('allow.yml', 'listen_udp: ["127.0.0.1:24790"]\nallow_source: [10.0.0.0/16, "2001:db8::/32"]\nallow_vni: [100, 200-299]\n');
    const c = loadConfig({ flags: {}, env: {}, configFile: file });
    expect(c.allowSource).toEqual(['10.0.0.0/16', '2001:db8::/32']);
    expect(c.allowVni).toEqual(['100', '200-299']);
    const e = loadConfig({ flags: {}, env: { VXMON_ALLOW_SOURCE: '172.31.0.0/16', VXMON_ALLOW_VNI: '5569041' }, configFile: file });
    expect(e.allowSource).toEqual(['172.31.0.0/16']);
    expect(e.allowVni).toEqual(['5569041']);
    const f = loadConfig({ flags: { 'allow-source': '192.0.2.1,fd00::/8', 'allow-vni': '1-9' }, env: {}, configFile: file });
    expect(f.allowSource).toEqual(['192.0.2.1', 'fd00::/8']);
    expect(f.allowVni).toEqual(['1-9']);
  });

  it('defaults to no restriction', () => {
    const c = loadConfig({ flags: { 'listen-udp': ['127.0.0.1:24790'] }, env: {} });
    expect(c.allowSource).toEqual([]);
    expect(c.allowVni).toEqual([]);
  });

  it('a bad CIDR or VNI is one line naming where and the value', () => {
    const file = yaml('allow-bad.yml', 'listen_udp: ["127.0.0.1:24790"]\nallow_source: [10.0.0.1/8]\nallow_vni: [99999999]\n');
    expect(problems(() => loadConfig({ flags: { 'allow-source': '10.0.0.0/8,nonsense' }, env: { VXMON_ALLOW_VNI: '9-1' }, configFile: file }))).toEqual([
      `${file}: allow_source: "10.0.0.1/8" has host bits set beyond /8`,
      `${file}: allow_vni: "99999999": VNIs are 0-16777215`,
      'VXMON_ALLOW_VNI: "9-1": the range ends before it starts',
      '--allow-source: "nonsense" is not an IPv4 or IPv6 CIDR (e.g. 10.0.0.0/16, 2001:db8::/32)',
    ]);
  });
});

describe('web settings', () => {
  it('timeouts from the file, the environment and flags; defaults 5s / 10s / 30s', () => {
    const base = { 'listen-udp': ['127.0.0.1:24790'] };
    expect(loadConfig({ flags: base, env: {} }).webTimeouts).toEqual({ headers: 5, request: 10, keepAlive: 30 });
    const file = yaml('web-timeouts.yml', 'web:\n  headers_timeout: 2s\n  request_timeout: 1m\n  keep_alive_timeout: 500ms\n');
    expect(loadConfig({ flags: base, env: {}, configFile: file }).webTimeouts).toEqual({ headers: 2, request: 60, keepAlive: 0.5 });
    const c = loadConfig({ flags: { ...base, 'web.keep-alive-timeout': '5s' }, env: { VXMON_WEB_HEADERS_TIMEOUT: '3s' }, configFile: file });
    expect(c.webTimeouts).toEqual({ headers: 3, request: 60, keepAlive: 5 });
  });

  it('a headers timeout above the request timeout, or a bad duration, is an error', () => {
    expect(problems(() => loadConfig({ flags: { 'listen-udp': ['127.0.0.1:24790'], 'web.headers-timeout': '20s' }, env: {} }))).toEqual([
      'web.headers_timeout (20 s) must not exceed web.request_timeout (10 s)',
    ]);
    expect(problems(() => loadConfig({ flags: { 'listen-udp': ['127.0.0.1:24790'], 'web.request-timeout': 'soon' }, env: {} }))).toEqual([
      '--web.request-timeout: "soon" is not a duration from 1ms to 1h (e.g. 10s)',
    ]);
  });

  it('--web.config.file is read and checked with the rest (its problems name that file)', () => {
    const web = yaml('web.yml', 'basic_auth_users:\n  prometheus: nope\n');
    expect(problems(() => loadConfig({ flags: { 'listen-udp': ['127.0.0.1:24790'], 'web.config.file': web }, env: {} }))).toEqual([
      `${web}: basic_auth_users.prometheus: is not a bcrypt hash ($2a$, $2b$ or $2y$, e.g. from htpasswd -nBC 10 "" | tr -d ':\\n')`,
    ]);
    const good = yaml('web-good.yml', 'basic_auth_users:\n  prometheus: $2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW\n');
    const c = loadConfig({ flags: { 'listen-udp': ['127.0.0.1:24790'] }, env: { VXMON_WEB_CONFIG_FILE: good } });
    expect(c.webConfigFile).toBe(good);
    expect([...c.webConfig!.users.keys()]).toEqual(['prometheus']);
  });
});

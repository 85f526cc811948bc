/**
 * `vxmon run` on genuine VXLAN made by the Linux kernel (test/integration/netns.ts):
 *  - libpcap (through cap) on the root end of a veth, while UDP datagrams go
 *    over a kernel VXLAN device (VNI 42) to an echo server in a namespace;
 *  - a UDP socket source on port 14790, where a kernel VXLAN device in the
 *    namespace (VNI 43) sends datagrams.
 * Expected counts are hand counts of what the test sends: N datagrams out and N
 * echoes back are 2N inner UDP packets in VNI 42; M datagrams one way are M
 * frames in VNI 43. IPv6 is off on the overlay devices so nothing else is UDP.
 * Needs root; skipped with a message otherwise (never under CI, which runs as root).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { createSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MUST_HAVE_TOOLS, capBuilt } from './tools.js';
import { canMakeNetns, makeTestNet, type TestNet } from './netns.js';
import { sample } from './exposition.js';
import { until } from './until.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');
const N = 20; // datagrams echoed over VNI 42
const M = 15; // datagrams sent one way over VNI 43

const netOk = canMakeNetns();
const capOk = capBuilt();

const suite = describe.skipIf(!netOk.ok && !MUST_HAVE_TOOLS);
if (!netOk.ok && !MUST_HAVE_TOOLS) {
  describe('live capture', () => it.skip(`skipped: ${netOk.why}`, () => {}));
}

suite('vxmon run on kernel VXLAN between network namespaces', () => {
  let net: TestNet;
  let vxmon: ChildProcess;
  let echo: ChildProcess;
  let stdout = '';
  let stderr = '';
  let port = 0;
  const tmp = mkdtempSync(join(tmpdir(), 'vxmon-live-'));
  const config = join(tmp, 'vxmon.yml');
  const flowsPath = join(tmp, 'flows.jsonl');

  beforeAll(async () => {
    expect(netOk.why).toBe('');
    expect(capOk, 'the cap binding is not built: apt-get install libpcap-dev && npm rebuild cap').toBe(true);
    net = makeTestNet();
    // An echo server inside the namespace, on the overlay address.
    echo = spawn('ip', ['netns', 'exec', net.ns, process.execPath, '-e', `
      const s = require('node:dgram').createSocket('udp4');
      s.on('message', (m, r) => s.send(m, r.port, r.address));
      s.bind(7777, '192.168.213.2', () => console.log('echo ready'));`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await until('the echo server', async () => ((await new Promise((r) => echo.stdout!.once('data', r))) ? true : undefined));

    writeFileSync(config, `flows:\n  path: ${flowsPath}\nvnis:\n  42: {name: kernel-vxlan, account: "000000000000"}\n`);
    vxmon = spawn(process.execPath, [CLI, 'run', '--interface', net.rootIf, '--listen-udp', `${net.rootAddr}:14790`,
      '--web.listen-address', '127.0.0.1:0', '--log.summary-interval', '0', '--timeout.tcp-closed', '1s', '--config', config],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    vxmon.stdout!.on('data', (d) => (stdout += d));
    vxmon.stderr!.on('data', (d) => (stderr += d));
    port = await until('vxmon to serve', async () => {
      const m = /"address":"127\.0\.0\.1:(\d+)","msg":"serving \/metrics"/.exec(stdout);
      if (vxmon.exitCode !== null) throw new Error(`vxmon exited: ${stderr}`);
      return m ? Number(m[1]) : undefined;
    });
  });

  afterAll(() => {
    vxmon?.kill('SIGKILL');
    echo?.kill('SIGKILL');
    net?.destroy();
    rmSync(tmp, { recursive: true, force: true });
  });

  const metrics = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

  it('libpcap source: N datagrams and their N echoes are 2N inner UDP packets in VNI 42', async () => {
    const sock = createSocket('udp4');
    let echoes = 0;
    sock.on('message', () => echoes++);
    for (let i = 0; i < N; i++) sock.send(Buffer.from(`datagram ${i}`), 7777, '192.168.213.2');
    await until('the echoes', async () => (echoes === N ? true : undefined));
    sock.close();
    const text = await until('the counts', async () => {
      const t = await metrics();
      return sample(t, 'vxmon_vni_inner_packets_total{tunnel="vxlan",vni="42",l4="udp"}') === 2 * N ? t : undefined;
    });
    expect(sample(text, `vxmon_capture_up{source="pcap:${net.rootIf}"}`)).toBe(1);
    expect(sample(text, `vxmon_source_frames_total{source="pcap:${net.rootIf}",outcome="decoded"}`)).toBeGreaterThanOrEqual(2 * N);
    expect(sample(text, 'vxmon_vni_info{vni="42",name="kernel-vxlan",account="000000000000",eni=""}')).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/-/ready`)).status).toBe(200);
  });

  it('UDP socket source: M datagrams over VNI 43 to port 14790 are M frames', async () => {
    net.nsExec([process.execPath, '-e', `
      const s = require('node:dgram').createSocket('udp4');
      let n = 0;
      const next = () => n < ${M} ? s.send('x' + n++, 9999, '192.168.214.1', next) : s.close();
      next();`]);
    const text = await until('the socket counts', async () => {
      const t = await metrics();
      return sample(t, 'vxmon_vni_frames_total{tunnel="vxlan",vni="43"}') === M ? t : undefined;
    });
    expect(sample(text, 'vxmon_vni_inner_packets_total{tunnel="vxlan",vni="43",l4="udp"}')).toBe(M);
    expect(sample(text, `vxmon_source_frames_total{source="udp:${net.rootAddr}:14790",outcome="decoded"}`)).toBe(M);
    expect(sample(text, `vxmon_udp_receive_drops_total{source="udp:${net.rootAddr}:14790"}`)).toBe(0);
  });

  it('a real TCP exchange over the overlay: one session, both RTTs, closed by fin; ping is one ICMP flow', async () => {
    // An HTTP server in the namespace, a client in the root namespace, Connection: close so both sides FIN.
    const server = spawn('ip', ['netns', 'exec', net.ns, process.execPath, '-e', `
      require('node:http').createServer((q, r) => r.end('hello over vxlan')).listen(8080, '192.168.213.2', () => console.log('http ready'));`],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await until('the http server', async () => ((await new Promise((r) => server.stdout!.once('data', r))) ? true : undefined));
      const body = await new Promise<string>((resolve, reject) => {
        http.get({ host: '192.168.213.2', port: 8080, path: '/', agent: false, headers: { connection: 'close' } }, (res) => {
          let b = '';
          res.on('data', (d) => (b += d));
          res.on('end', () => resolve(b));
        }).on('error', reject);
      });
      expect(body).toBe('hello over vxlan');
      execFileSync('ping', ['-c', '3', '-i', '0.2', '-W', '2', '192.168.213.2'], { stdio: 'ignore' });
      const vni = 'tunnel="vxlan",vni="42"';
      // A FIN-closed session lingers --timeout.tcp-closed (1 s here) before it counts as closed; the daemon
      // sweeps once a second on its own clock, with no further packets needed.
      const text = await until('the closed session', async () => {
        const t = await metrics();
        return sample(t, `vxmon_tcp_sessions_closed_total{${vni},reason="fin"}`) === 1 ? t : undefined;
      });
      expect(sample(text, `vxmon_tcp_sessions_opened_total{${vni}}`)).toBe(1);
      expect(sample(text, `vxmon_tcp_handshake_rtt_client_seconds_count{${vni}}`)).toBe(1);
      expect(sample(text, `vxmon_tcp_handshake_rtt_server_seconds_count{${vni}}`)).toBe(1);
      expect(sample(text, `vxmon_tcp_unseen_bytes_total{${vni}}`)).toBe(0);
      expect(sample(text, `vxmon_tcp_retransmitted_segments_total{${vni}}`)).toBe(0);
      // 3 echo requests + 3 replies, one ICMP flow (one identifier)
      expect(sample(text, `vxmon_vni_inner_packets_total{${vni},l4="icmp"}`)).toBe(6);
      expect(sample(text, `vxmon_icmp_flows_total{${vni}}`)).toBe(1);
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('POST /-/reload reloads like SIGHUP', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/-/reload`, { method: 'POST' });
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('configuration reloaded\n');
    expect((await fetch(`http://127.0.0.1:${port}/-/reload`)).status).toBe(405);
  });

  it('SIGHUP reloads VNI names; a bad config is refused and the old one kept', async () => {
    writeFileSync(config, `flows:\n  path: ${flowsPath}\nvnis:\n  42: renamed-mirror\n`);
    vxmon.kill('SIGHUP');
    await until('the new name', async () =>
      sample(await metrics(), 'vxmon_vni_info{vni="42",name="renamed-mirror",account="",eni=""}') === 1 ? true : undefined);
    expect(sample(await metrics(), 'vxmon_config_last_reload_successful')).toBe(1);

    writeFileSync(config, 'vnis:\n  42: {nmae: typo}\n');
    vxmon.kill('SIGHUP');
    const text = await until('the failed reload', async () => {
      const t = await metrics();
      return sample(t, 'vxmon_config_last_reload_successful') === 0 ? t : undefined;
    });
    expect(sample(text, 'vxmon_vni_info{vni="42",name="renamed-mirror",account="",eni=""}')).toBe(1);
    expect(stdout).toMatch(/"msg":"reload failed; keeping the previous configuration"/);
    const post = await fetch(`http://127.0.0.1:${port}/-/reload`, { method: 'POST' });
    expect(post.status).toBe(500);
    expect(await post.text()).toMatch(/vnis\.42: needs a name/);
  });

  it('SIGTERM during traffic stops it within 5 s with exit 0, writing every open session as shutdown', async () => {
    // K TCP connections held open across the overlay (a server in the namespace that accepts and keeps them),
    // and a UDP stream still flowing when SIGTERM arrives: every one of them must get a record.
    const K = 5;
    const holder = spawn('ip', ['netns', 'exec', net.ns, process.execPath, '-e', `
      const held = [];
      require('node:net').createServer((c) => held.push(c)).listen(8081, '192.168.213.2', () => console.log('holder ready'));`],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    const clients: Socket[] = [];
    const stream = createSocket('udp4');
    let timer: NodeJS.Timeout | undefined;
    let streamPort = 0;
    try {
      await until('the holding server', async () => ((await new Promise((r) => holder.stdout!.once('data', r))) ? true : undefined));
      for (let i = 0; i < K; i++) {
        clients.push(await new Promise<Socket>((resolve, reject) => {
          const c = connect({ host: '192.168.213.2', port: 8081 }, () => c.write('held open', () => resolve(c)));
          c.once('error', reject);
        }));
      }
      const heldPorts = clients.map((c) => c.localPort);
      const vni = 'tunnel="vxlan",vni="42"';
      await until('the held sessions', async () =>
        (sample(await metrics(), `vxmon_tcp_sessions_active{${vni}}`) ?? 0) >= K ? true : undefined);
      await new Promise<void>((r) => stream.bind(0, '192.168.213.1', r));
      streamPort = stream.address().port;
      let streamed = 0;
      timer = setInterval(() => stream.send(`stream ${streamed++}`, 7777, '192.168.213.2'), 2);
      await until('the UDP stream', async () => (streamed >= 20 ? true : undefined));

      const t0 = Date.now();
      const code = await new Promise<number | null>((resolve) => {
        vxmon.once('exit', (c) => resolve(c));
        vxmon.kill('SIGTERM');
      });
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);
      const flows = readFileSync(flowsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      for (const p of heldPorts) {
        const f = flows.filter((x) => x.protocol === 'tcp' && x.initiator === `192.168.213.1:${p}`);
        expect(f, `flow record of the held connection from port ${p}`).toHaveLength(1);
        expect(f[0]).toMatchObject({ vni: 42, responder: '192.168.213.2:8081', close_reason: 'shutdown', initiator_method: 'syn' });
      }
      const streamFlow = flows.filter((x) => x.protocol === 'udp' && x.initiator === `192.168.213.1:${streamPort}`);
      expect(streamFlow).toHaveLength(1);
      expect(streamFlow[0].close_reason).toBe('shutdown');
      expect(streamFlow[0].initiator_to_responder.packets).toBeGreaterThanOrEqual(20);
    } finally {
      clearInterval(timer);
      stream.close();
      for (const c of clients) c.destroy();
      holder.kill('SIGKILL');
    }
    expect(stdout).toMatch(/"msg":"stopped"/);
    // The UDP flows were still open (UDP idle timeout 120 s): their records are written at stop.
    // The HTTP session had closed by fin before; its record is there too, with both RTTs.
    const flows = readFileSync(flowsPath, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const echo = flows.find((f) => f.vni === 42 && f.protocol === 'udp' && f.initiator !== `192.168.213.1:${streamPort}`);
    expect(echo).toMatchObject({ responder: '192.168.213.2:7777', close_reason: 'shutdown', one_sided: false });
    expect([echo.initiator_to_responder.packets, echo.responder_to_initiator.packets]).toEqual([N, N]);
    const oneWay = flows.find((f) => f.vni === 43 && f.protocol === 'udp');
    expect(oneWay).toMatchObject({ responder: '192.168.214.1:9999', close_reason: 'shutdown', one_sided: true });
    expect(oneWay.initiator_to_responder.packets).toBe(M);
    const httpFlow = flows.find((f) => f.vni === 42 && f.responder === '192.168.213.2:8080');
    expect(httpFlow).toMatchObject({ responder: '192.168.213.2:8080', initiator_method: 'syn' });
    expect(httpFlow.close_reason).toBe('fin');
    expect(httpFlow.rtt_client_seconds).toBeGreaterThan(0);
    expect(httpFlow.rtt_server_seconds).toBeGreaterThan(0);
    // every stdout line is one JSON object (journald-friendly), nothing per packet
    const lines = stdout.trim().split('\n');
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(lines.length).toBeLessThan(20);
  });
});

/**
 * The deploy material for Prometheus and Grafana, checked with the real tools:
 * - deploy/prometheus/vxmon-alerts.yml passes `promtool check rules` and its
 *   unit tests (`promtool test rules`), with no warnings;
 * - a prometheus.yml made of deploy/prometheus/vxmon-scrape.yml plus the rule
 *   file passes `promtool check config`;
 * - every PromQL expression of the rules and of deploy/grafana/vxmon-dashboard.json
 *   parses in a real Prometheus (its query API answers "error" for a bad one)
 *   and names only metrics vxmon exports: those in README.md's metrics table,
 *   prom-client's default process_/nodejs_ metrics, and for the rules also
 *   `up` and the rule file's own recording rules.
 * Without promtool or prometheus the tests that need them are skipped, saying
 * what to install; under CI (CI=true) they fail instead.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { hasTool, MUST_HAVE_TOOLS } from './tools.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// Each path can be pointed elsewhere, e.g. at a deliberately broken copy, to see a test fail.
const PROM_DIR = process.env.VXMON_TEST_PROM_DIR ?? join(ROOT, 'deploy/prometheus');
const RULES = join(PROM_DIR, 'vxmon-alerts.yml');
const RULE_TESTS = join(PROM_DIR, 'vxmon-alerts.test.yml');
const SCRAPE = join(PROM_DIR, 'vxmon-scrape.yml');
const DASHBOARD = process.env.VXMON_TEST_DASHBOARD ?? join(ROOT, 'deploy/grafana/vxmon-dashboard.json');
const README = process.env.VXMON_TEST_README ?? join(ROOT, 'README.md');

const HAVE_PROMTOOL = hasTool('promtool') || MUST_HAVE_TOOLS;
const HAVE_PROMETHEUS = hasTool('prometheus') || MUST_HAVE_TOOLS;
const INSTALL = 'apt-get install prometheus';

const tmp = mkdtempSync(join(tmpdir(), 'vxmon-prom-rules-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});

// ---------------------------------------------------------------- metric names

/**
 * The series names README.md's metrics table documents: every backticked
 * `vxmon_*` name in a row's first cell; a histogram gives its _bucket, _sum
 * and _count series instead of its own name.
 */
function readmeSeriesNames(readme: string): Set<string> {
  const names = new Set<string>();
  const start = readme.search(/^\| metric \| type \| labels \| meaning \|$/m);
  if (start < 0) throw new Error('README.md has no "| metric | type | labels | meaning |" table');
  for (const line of readme.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const [first, type] = line.split('|').slice(1, 3).map((c) => c.trim());
    for (const [, name] of first.matchAll(/`([a-zA-Z_:][a-zA-Z0-9_:]*)`/g)) {
      if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name + s);
      else names.add(name);
    }
  }
  return names;
}

/** prom-client's default metrics as vxmon serves them (collectDefaultMetrics, no prefix). */
async function promClientSeriesNames(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const names = new Set<string>();
  for (const m of await registry.getMetricsAsJSON()) {
    if (m.type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(m.name + s);
    else names.add(m.name);
  }
  return names;
}

const NOT_METRICS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or',
  'unless', 'offset', 'inf', 'nan']);

/**
 * The metric names a PromQL expression selects. Not a parser: strings, label
 * matchers, label lists of by/without/on/ignoring/group_*, and range or
 * subquery brackets are blanked, then any identifier that is not a keyword
 * and not called as a function is a metric name. (Whether the expression
 * parses at all is Prometheus's job, below.)
 */
function metricNames(expr: string): string[] {
  const blanked = expr
    .replace(/#[^\n]*/g, ' ')
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, '[]');
  const names = new Set<string>();
  for (const [, name] of blanked.matchAll(/(?<![\w.:])([a-zA-Z_:][\w:]*)(?![\w:]|\s*\()/g)) {
    if (!NOT_METRICS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}

// ---------------------------------------------------------------- the files

interface Rule { record?: string; alert?: string; expr: string; for?: string; labels?: Record<string, string>;
  annotations?: Record<string, string> }
interface Panel { id: number; type: string; title: string; panels?: Panel[];
  targets?: { expr?: string; format?: string; legendFormat?: string }[]; datasource?: { uid?: string } }

const ruleGroups = (): { name: string; rules: Rule[] }[] => parseYaml(readFileSync(RULES, 'utf8')).groups;
const allRules = (): Rule[] => ruleGroups().flatMap((g) => g.rules);

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...allPanels(p.panels ?? [])]);
}

/** Every PromQL expression of the dashboard, with where it is: panel targets and the query variables' selectors. */
function dashboardExprs(): { where: string; expr: string }[] {
  const d = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
  const out: { where: string; expr: string }[] = [];
  for (const p of allPanels(d.panels)) {
    for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel ${p.id} "${p.title}"`, expr: t.expr });
  }
  for (const v of d.templating.list) {
    if (v.type !== 'query') continue;
    const q: string = typeof v.query === 'string' ? v.query : v.query.query;
    // label_values(SELECTOR, label) is Grafana's, not PromQL: check SELECTOR.
    const m = /^label_values\((.*),\s*\w+\)$/.exec(q);
    out.push({ where: `variable $${v.name}`, expr: m ? m[1] : q });
  }
  return out;
}

/** Grafana's variables as a query would see them: intervals become 1m, any other variable (all values) `.*`. */
function withGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$\{?__(?:rate_interval|interval|range)\}?/g, '1m')
    .replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, '.*');
}

// ---------------------------------------------------------------- tests

describe('metric name bookkeeping (no tools needed)', () => {
  it('reads the README metrics table', () => {
    const names = readmeSeriesNames(readFileSync(README, 'utf8'));
    for (const n of ['vxmon_frames_total', 'vxmon_tcp_retransmitted_bytes_total', 'vxmon_tcp_one_sided_sessions_total',
      'vxmon_tcp_handshake_rtt_client_seconds_bucket', 'vxmon_config_last_reload_success_timestamp_seconds']) {
      expect(names, n).toContain(n);
    }
    expect(names).not.toContain('vxmon_tcp_handshake_rtt_client_seconds'); // a histogram is its series
    expect(names.size).toBeGreaterThan(40);
  });

  it('finds the metric names in PromQL', () => {
    expect(metricNames('sum by (le) (rate(vxmon_x_bucket{vni=~"$vni", le!="+Inf"}[5m] offset 1h))')).toEqual(['vxmon_x_bucket']);
    expect(metricNames('a / ignoring (l4) group_left b{l4="tcp"} > bool 1e-3 and on (job) c:rec:rate5m unless Inf'))
      .toEqual(['a', 'b', 'c:rec:rate5m']);
    expect(metricNames('label_replace(up, "x", "$1", "instance", "(.*)") or vector(1) or time() - foo @ start()'))
      .toEqual(['up', 'foo']);
    expect(metricNames('sum(x) without (vni) * on (instance) group_left (name) y')).toEqual(['x', 'y']);
  });
});

describe('the dashboard', () => {
  const d = JSON.parse(readFileSync(DASHBOARD, 'utf8'));
  const panels = allPanels(d.panels).filter((p) => p.type !== 'row');

  it('is a Grafana dashboard with $datasource and $vni variables', () => {
    expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    const vars = Object.fromEntries(d.templating.list.map((v: { name: string }) => [v.name, v]));
    expect(vars.datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(vars.vni.type).toBe('query');
    expect(JSON.stringify(vars.vni.query)).toMatch(/label_values\(vxmon_vni_frames_total.*, vni\)/);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  });

  it('queries the $datasource variable from every panel, with at least one expression each', () => {
    for (const p of panels) {
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.filter((t) => t.expr).length, p.title).toBeGreaterThan(0);
    }
  });

  it('has RTT heatmaps over both handshake histograms, by le, in heatmap format', () => {
    const heatmaps = panels.filter((p) => p.type === 'heatmap');
    for (const side of ['client', 'server']) {
      const p = heatmaps.find((h) => h.targets!.some((t) => t.expr!.includes(`vxmon_tcp_handshake_rtt_${side}_seconds_bucket`)));
      expect(p, side).toBeDefined();
      expect(p!.targets![0]).toMatchObject({ format: 'heatmap', legendFormat: '{{le}}' });
      expect(p!.targets![0].expr).toMatch(/^sum by \(le\) \(rate\(/);
    }
  });

  it('uses only metrics vxmon exports', async () => {
    const allowed = new Set([...readmeSeriesNames(readFileSync(README, 'utf8')), ...(await promClientSeriesNames())]);
    const unknown = dashboardExprs().flatMap(({ where, expr }) =>
      metricNames(withGrafanaVariables(expr)).filter((n) => !allowed.has(n)).map((n) => `${where}: ${n}`));
    expect(unknown).toEqual([]);
  });
});

describe('the rule file (structure)', () => {
  it('uses only exported metrics, `up` and its own recording rules', async () => {
    const recorded = allRules().flatMap((r) => (r.record ? [r.record] : []));
    const allowed = new Set([...readmeSeriesNames(readFileSync(README, 'utf8')), ...(await promClientSeriesNames()),
      ...recorded, 'up']);
    const unknown = allRules().flatMap((r) =>
      metricNames(r.expr).filter((n) => !allowed.has(n)).map((n) => `${r.alert ?? r.record}: ${n}`));
    expect(unknown).toEqual([]);
  });

  it('gives every alert a for:, a severity and a summary and description', () => {
    const alerts = allRules().filter((r) => r.alert);
    expect(alerts.length).toBeGreaterThanOrEqual(8);
    for (const a of alerts) {
      expect(a.for, a.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning'], a.alert).toContain(a.labels?.severity);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
    }
  });

  it('has a unit test for every alert that fires and one that stays quiet', () => {
    const tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] =
      parseYaml(readFileSync(RULE_TESTS, 'utf8')).tests;
    const cases = tests.flatMap((t) => t.alert_rule_test ?? []);
    for (const a of allRules().filter((r) => r.alert)) {
      const mine = cases.filter((c) => c.alertname === a.alert);
      expect(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${a.alert} fires`).toBe(true);
      expect(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${a.alert} stays quiet`).toBe(true);
    }
  });
});

describe('promtool', () => {
  if (!HAVE_PROMTOOL) {
    it.skip(`promtool not installed: ${INSTALL}`, () => {});
    return;
  }
  const promtool = (...args: string[]) => {
    const r = spawnSync('promtool', args, { encoding: 'utf8', cwd: PROM_DIR });
    return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
  };

  it('check rules: the rule file passes with no warning', () => {
    const r = promtool('check', 'rules', RULES);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
    expect(r.out).not.toMatch(/warn|FAILED/i);
    expect(r.status).toBe(0);
  });

  it('test rules: every alert unit test passes', () => {
    const r = promtool('test', 'rules', RULE_TESTS);
    expect(r.out.trim()).toBe(`Unit Testing:  ${RULE_TESTS}\n  SUCCESS`);
    expect(r.status).toBe(0);
  });

  it('check config: a prometheus.yml with the scrape snippet and the rules', () => {
    const config = join(tmp, 'check-prometheus.yml');
    writeFileSync(config, `global:\n  evaluation_interval: 15s\nrule_files:\n  - ${RULES}\n` + readFileSync(SCRAPE, 'utf8'));
    const r = promtool('check', 'config', config);
    expect(r.out).toMatch(/SUCCESS: \d+ rule files found/);
    expect(r.out).not.toMatch(/warn|FAILED/i);
    expect(r.status).toBe(0);
    const job = parseYaml(readFileSync(SCRAPE, 'utf8')).scrape_configs[0];
    expect(job.job_name).toBe('vxmon');
    expect(job.static_configs[0].targets.every((t: string) => t.endsWith(':14789'))).toBe(true);
  });
});

describe('a real Prometheus parses every expression', () => {
  if (!HAVE_PROMETHEUS) {
    it.skip(`prometheus not installed: ${INSTALL}`, () => {});
    return;
  }
  let base = '';
  beforeAll(async () => {
    const port = await freePort();
    const config = join(tmp, 'prometheus.yml');
    // The scrape snippet's example targets do not resolve; Prometheus only has to start and evaluate.
    writeFileSync(config, `global:\n  evaluation_interval: 1s\nrule_files:\n  - ${RULES}\n` + readFileSync(SCRAPE, 'utf8'));
    const prom = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(tmp, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(prom);
    let log = '';
    prom.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
    base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 45_000;
    for (;;) {
      if (prom.exitCode !== null) throw new Error(`prometheus exited ${prom.exitCode}: ${log}`);
      if (Date.now() > deadline) throw new Error(`prometheus not ready: ${log}`);
      try {
        if ((await fetch(`${base}/-/ready`)).status === 200) break;
      } catch {
        // still starting
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  async function query(expr: string): Promise<{ status: string; error?: string }> {
    const res = await fetch(`${base}/api/v1/query`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr }),
    });
    return (await res.json()) as { status: string; error?: string };
  }

  it('answers a broken expression with an error (so the next checks mean something)', async () => {
    expect((await query('sum(rate(vxmon_frames_total[1m])')).status).toBe('error');
    expect((await query('rate(vxmon_frames_total)')).status).toBe('error'); // parses, but wrong type
    expect((await query('sum(rate(vxmon_frames_total[1m]))')).status).toBe('success');
  });

  it('every dashboard expression', async () => {
    const bad: string[] = [];
    for (const { where, expr } of dashboardExprs()) {
      const r = await query(withGrafanaVariables(expr));
      if (r.status !== 'success') bad.push(`${where}: ${r.error}\n  ${expr}`);
    }
    expect(bad).toEqual([]);
  });

  it('every rule, and Prometheus evaluates them all without error', async () => {
    const bad: string[] = [];
    for (const r of allRules()) {
      const res = await query(r.expr);
      if (res.status !== 'success') bad.push(`${r.alert ?? r.record}: ${res.error}`);
    }
    expect(bad).toEqual([]);
    // Rules run every second here: wait until each has been evaluated once.
    type Api = { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } };
    const deadline = Date.now() + 20_000;
    let rules: { name: string; health: string; lastError?: string }[] = [];
    do {
      await new Promise((r) => setTimeout(r, 500));
      rules = ((await (await fetch(`${base}/api/v1/rules`)).json()) as Api).data.groups.flatMap((g) => g.rules);
    } while (rules.some((r) => r.health === 'unknown') && Date.now() < deadline);
    expect(rules.length).toBe(allRules().length);
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

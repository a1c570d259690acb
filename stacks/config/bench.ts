// npm run bench:config [-- --updates N]: propagation latency of the config stack, from the put in
// etcd to the app serving the new value, for 200 updates of random 1-64 KB values (default), against
// the 1 s polling baseline (compose profile "baseline": the same SIGHUP app fed by a shell poller).
// Brings up its own config stack, measures, tears it down, and writes the bench:config section of
// docs/benchmarks.md (between markers; the rest of the file is kept).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { $, sleep } from 'zx';
import { BenchClock } from '../../scripts/bench/conditions.js';
import { renderSection, writeSection, type Section } from '../../scripts/bench/section.js';
import { percentile } from '../../scripts/bench/stats.js';
import { VERSION } from '../../scripts/lib/config.js';
import { downStack, upStack } from '../../scripts/lib/lifecycle.js';
import { step } from '../../scripts/lib/progress.js';
import { readRun } from '../../scripts/lib/run-state.js';
import { EtcdClient } from '../../sidecars/config-sync/src/etcd.js';
import { configValue, endpoints, KEY, metricsOf, MIN_APPLY_INTERVAL_MS, servedWithin, startBaseline } from './support.js';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '200' } } });
const N = Number(values.updates);
const SECTION: Section = {
  id: 'config',
  title: 'config propagation, watch against 1 s polling',
  source: 'stacks/config/bench.ts',
  intro: 'Run it with `npm run bench:config` (about 5 minutes; it brings up and removes its own config stack).',
};
const GIVE_UP_MS = 5000;

type Path = 'sighup' | 'restart' | 'poll';
const LABEL: Record<Path, string> = {
  sighup: 'config-sync (watch) → SIGHUP app (app-hup)',
  restart: 'config-sync (watch) → restarted app (app-once)',
  poll: '1 s polling baseline → SIGHUP app (app-poll)',
};

const ms = (v: number) => `${v.toFixed(0)} ms`;

/** A valid config whose JSON text is exactly `size` bytes (the padding makes up the difference). */
function valueOfSize(version: string, size: number): string {
  const bare = configValue(version, 'x').length - 1;
  const padding = randomBytes(size)
    .toString('base64')
    .slice(0, Math.max(1, size - bare));
  return configValue(version, padding);
}

async function measure(urls: Record<Path, string>, etcd: EtcdClient) {
  const lat: Record<Path, number[]> = { sighup: [], restart: [], poll: [] };
  const putMs: number[] = [];
  const missed: Record<Path, number> = { sighup: 0, restart: 0, poll: 0 };
  const sizes: number[] = [];
  const stamp = Date.now();
  for (let i = 0; i < N; i++) {
    const size = 1024 + Math.floor(Math.random() * (64 * 1024 - 1024 + 1));
    const version = `bench-${stamp}-${i}`;
    const value = valueOfSize(version, size);
    sizes.push(Buffer.byteLength(value));
    const t0 = performance.now();
    await etcd.put(KEY, value);
    putMs.push(performance.now() - t0);
    await Promise.all(
      (Object.keys(urls) as Path[]).map(async (p) => {
        try {
          lat[p].push(await servedWithin(urls[p], version, t0, GIVE_UP_MS, GIVE_UP_MS, 5));
        } catch {
          missed[p]++;
        }
      }),
    );
    // Lone updates: a whole --min-apply-interval after every app served the previous one (so after
    // both sidecars applied it), at a random phase of the baseline's 1 s poll.
    await sleep(MIN_APPLY_INTERVAL_MS + 50 + Math.random() * 400);
    if ((i + 1) % 20 === 0)
      console.log(`  ${i + 1}/${N}: p50 ${(Object.keys(lat) as Path[]).map((p) => `${p} ${ms(percentile(lat[p], 50))}`).join(', ')}`);
  }
  return { lat, missed, sizes, putMs };
}

/** config-sync's own share, from its apply_duration_seconds histogram: mean, and the bucket that holds the p99. */
async function sidecarShare(admin: string): Promise<{ meanMs: number; p99Bucket: string; count: number }> {
  const m = await metricsOf(admin);
  const count = m.get('config_sync_apply_duration_seconds_count') ?? 0;
  const sum = m.get('config_sync_apply_duration_seconds_sum') ?? 0;
  const buckets = [...m]
    .filter(([k]) => k.startsWith('config_sync_apply_duration_seconds_bucket'))
    .map(([k, v]) => ({ le: /le="([^"]+)"/.exec(k)![1]!, v }));
  const p99 = buckets.find((b) => b.v >= 0.99 * count);
  return {
    meanMs: count ? (sum / count) * 1000 : 0,
    p99Bucket: p99 ? (p99.le === '+Inf' ? '> 10 s' : `≤ ${Number(p99.le) * 1000} ms`) : 'n/a',
    count,
  };
}

const clock = new BenchClock();
const up = await upStack('config');
try {
  const rec = readRun(up.project);
  const baseline = await step('starting the 1 s polling baseline (profile baseline)', () => startBaseline(rec));
  const e = await endpoints(baseline);
  const urls: Record<Path, string> = { sighup: e.app.hup, restart: e.app.once, poll: `http://${await baseline.port('pod-poll', 8080)}` };
  console.log(`measuring ${N} updates (about ${Math.round((N * (MIN_APPLY_INTERVAL_MS + 1300)) / 60000)} min)`);
  const { lat, missed, sizes, putMs } = await measure(urls, new EtcdClient(e.etcd));
  const inside = await sidecarShare(e.admin.hup);
  const etcdVersion = (await $`docker run --pull never --rm --entrypoint etcd sidecar-lab/etcd:${VERSION} --version`.quiet()).stdout
    .split('\n')[0]!
    .trim();
  const rows = (Object.keys(lat) as Path[]).map((p) => {
    const s = lat[p];
    return {
      p,
      line: `| ${LABEL[p]} | ${s.length} | ${ms(percentile(s, 50))} | ${ms(percentile(s, 99))} | ${ms(Math.max(...s))} | ${missed[p]} |`,
      p99: percentile(s, 99),
    };
  });
  const goal = rows.find((r) => r.p === 'sighup')!.p99;
  const notes = [
    `Stack: stacks/config as \`npm run stack:config\` runs it, plus the \`baseline\` profile; config-sync on Bun with --min-apply-interval ${MIN_APPLY_INTERVAL_MS} ms and a JSON Schema.`,
    `Latency: from just before the put request leaves the host to the first answer of the app's GET /version with the new value, read from the host every 5 ms through the pod's published port (so it includes the put's round trip and docker-proxy). An update counts as missed after ${GIVE_UP_MS / 1000} s.`,
    `Pacing: each update is alone: the next one is put ${MIN_APPLY_INTERVAL_MS + 50}–${MIN_APPLY_INTERVAL_MS + 450} ms after every app served the previous one, so the apply interval never holds one back and the baseline sees each at a random phase of its 1 s poll.`,
    'Baseline: a shell loop in the etcd image (stacks/config/poller/poll.sh) that runs `etcdctl get` every second and, when the value changed, writes it (temp file + rename) and sends SIGHUP: the same app image as app-hup.',
  ];
  const conditions = await clock.finish({ versions: { etcd: `${etcdVersion} (Debian's etcd-server)`, 'config-sync': VERSION }, notes });
  const results = [
    `**Goal** (not a test): p99 ≤ 250 ms for config-sync → SIGHUP app: measured ${ms(goal)}, ${goal <= 250 ? '**met**' : '**not met**'}.`,
    '',
    '| path | served | p50 | p99 | max | missed |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => r.line),
    '',
    `Where the time goes (SIGHUP path): the put itself (host → docker-proxy → etcd commit, with its WAL fsync → answer) took p50 ${ms(percentile(putMs, 50))}, p99 ${ms(percentile(putMs, 99))}; inside config-sync, from the event arriving to the SIGHUP being sent (parse, validate, write, find the process), ${inside.meanMs.toFixed(1)} ms on average over ${inside.count} applies, p99 ${inside.p99Bucket} (its apply_duration_seconds histogram). The rest is the app reading the file and the host's polling, all on 2 busy cores.`,
    '',
    'app-once reads its file only at start: config-sync stops it with SIGTERM and its in-container supervisor starts it again, so its latency is a Python start plus the write. Percentiles are nearest-rank (scripts/bench/stats.ts).',
  ];
  const lead = `${N} updates, one at a time, of random valid JSON values of ${(Math.min(...sizes) / 1024).toFixed(1)}–${(Math.max(...sizes) / 1024).toFixed(1)} KiB (median ${(percentile(sizes, 50) / 1024).toFixed(1)} KiB).`;
  writeSection(SECTION, renderSection({ lead, conditions, results }));
  console.log(`\n${rows.map((r) => r.line).join('\n')}\nwrote the bench:config section of docs/benchmarks.md`);
} finally {
  await downStack('config', up.project);
}

// npm run bench:paas: push-to-served latency of the paas stack, p50/p99 over 50 pushes each:
// with the git server's signed webhook (that stack polls every 60 s, so polling plays no part), and
// with the webhook off and polling every 1 s. Both stacks are up at once and the pushes alternate
// between them, so on a shared machine both see the same load. A push is timed from just before
// `git push` (host git, over the published git:// port) until GET / on the app answers with the
// pushed revision (polled every 10 ms, a fresh connection each). git-sync's own log gives the sync's
// share (and its steps). Writes the bench:paas section of docs/benchmarks.md.
import { $ } from 'zx';
import { BenchClock } from '../../scripts/bench/conditions.js';
import { renderSection, writeSection, type Section } from '../../scripts/bench/section.js';
import { percentile } from '../../scripts/bench/stats.js';
import { downStack, upStack } from '../../scripts/lib/lifecycle.js';
import { runningProject, waitServed, Work } from './support.js';

const PUSHES = 50;
const SECTION: Section = { id: 'paas', title: 'push-to-served latency, webhook against 1 s polling', source: 'stacks/paas/bench.ts' };

interface Mode {
  name: string;
  period: string;
  webhook: boolean;
  project?: string;
  work?: Work;
  ms: number[];
  syncs: Record<string, number>[];
}
const modes: Mode[] = [
  { name: 'webhook', period: '60s', webhook: true, ms: [], syncs: [] },
  { name: 'polling at 1 s', period: '1s', webhook: false, ms: [], syncs: [] },
];

// Ctrl-C removes what is up before exiting.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.log(`\n${sig}: removing the bench stacks`);
    void Promise.all(modes.flatMap((m) => (m.project ? [downStack('paas', m.project)] : []))).finally(() => process.exit(130));
  });
}

/** The published syncs in git-sync's log: total ms and per-step ms. */
async function syncsOf(m: Mode): Promise<Record<string, number>[]> {
  const { project } = runningProject(m.project!);
  const out: Record<string, number>[] = [];
  for (const line of (await project.logs(1000)).split('\n')) {
    const json = line.slice(line.indexOf('{'));
    if (!json.includes('"msg":"sync"') || !json.includes('"result":"published"') || json.includes('"trigger":"start"')) continue;
    const e = JSON.parse(json) as { ms: number; steps?: Record<string, number> };
    out.push({ total: e.ms, ...e.steps });
  }
  return out;
}

const clock = new BenchClock();
try {
  for (const m of modes) {
    process.env.SYNC_PERIOD = m.period; // interpolated into the stack's compose.yaml at `up`
    m.project = (await upStack('paas')).project;
    const { project, state } = runningProject(m.project);
    m.work = await Work.clone({ state, project }, 'bench-work');
  }
  for (let i = 0; i < PUSHES; i++) {
    for (const m of modes) {
      const { project } = runningProject(m.project!);
      const { sha } = await m.work!.commitBuild();
      const start = Date.now();
      await m.work!.push({ webhook: m.webhook });
      m.ms.push(await waitServed(project, sha, start, 60_000, 10));
    }
    clock.sample();
    process.stdout.write(`\r${i + 1}/${PUSHES} rounds; last: ${modes.map((m) => `${m.name} ${m.ms.at(-1)} ms`).join(', ')}      `);
  }
  console.log();
  for (const m of modes) m.syncs = await syncsOf(m);
} finally {
  for (const m of modes) if (m.project) await downStack('paas', m.project);
}

const med = (m: Mode, k: string) =>
  percentile(
    m.syncs.map((s) => s[k]!).filter((v) => v !== undefined),
    50,
  );
const rows = modes.map(
  (m) =>
    `| ${m.name} | ${m.webhook ? 'yes' : 'no (`git push -o webhook=off`)'} | ${m.period} | **${percentile(m.ms, 50)} ms** | ${percentile(m.ms, 99)} ms | ${Math.min(...m.ms)} ms | ${Math.max(...m.ms)} ms | ${med(m, 'total')} ms |`,
);
const hook = modes[0]!;
const steps = ['fetch', 'checkout', 'check', 'rename'].map((k) => `${k} ${med(hook, k)} ms`).join(', ');
const conditions = await clock.finish({
  versions: { 'git on the host': (await $`git --version`.quiet()).stdout.trim().replace(/^git version /, '') },
  notes: [
    "Images: Debian's git; git-sync on Bun, the site on Debian's nodejs (v20).",
    'Path of a push: host git → git daemon → post-receive hook → signed webhook → git-sync (fetch --depth 1, worktree add, `bun build --no-bundle app.js`, rename, symlink flip) → nodemon sees the flip → site-node restarts on the new tree (listening socket inherited: no request refused meanwhile).',
  ],
});
const p50 = percentile(hook.ms, 50);
const body = renderSection({
  lead: `${PUSHES} pushes per row; the two stacks were up at once and the pushes alternated between them, so both rows ran under the same load. Each commit changes index.html and version.txt; it is timed from just before \`git push\` until \`GET /\` answers with the pushed revision (X-Revision header), polled every 10 ms on a fresh connection.`,
  conditions,
  results: [
    '| trigger | webhook | poll period | p50 | p99 | min | max | sync p50 (git-sync log) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Goal: p50 ≤ 1 s with the webhook: **${p50 <= 1000 ? 'met' : 'not met'}** (${p50} ms at a median load average of ${conditions.load.p50?.toFixed(1)}). Median steps of a webhook sync: ${steps}; the rest of a push is \`git push\` itself (with its hook) and the server's restart. The largest parts are process start-ups (\`bun build\`, the new server, git's own processes), which is why the figures follow the machine's load. Polling adds on average half a period. Percentiles are nearest-rank (scripts/bench/stats.ts).`,
  ],
});
writeSection(SECTION, body);
console.log(`\n${rows.join('\n')}\n${steps}\nwrote the bench:paas section of docs/benchmarks.md`);

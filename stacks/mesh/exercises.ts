// The mesh lesson's exercises: text, check, hints, solution and reset of each (scripts/lib/exercise/types.ts).
// `npm run gen` writes the README's Exercises section from this list; scripts/lib/test/exercises.docker.test.ts
// proves each one: its check fails on the untouched stack, passes once the solution is applied, and fails again
// after --reset, which leaves git status clean. The stack is heavy (18 containers), so each check first asks
// whether the edit is in the run, and only then makes a little traffic of its own: tens of calls, not check 3's
// hundreds (exercise-support.ts).
import { $ } from 'zx';
import { type Exercise, fail, fileEdit, pass } from '../../scripts/lib/exercise/types.js';
import {
  APPLY,
  allows,
  bothEjected,
  COMPOSE,
  callFrom,
  denied,
  ejectionCap,
  envOf,
  faultCommand,
  frontendMetrics,
  outage,
  STACK,
  URLS,
} from './exercise-support.js';
import { calls, counters, endpoints, metricsOf, REPLICAS, total } from './support.js';

const BREAK_APPLY = `UNSAFE_NO_RETRY_BUDGET=true ${APPLY}`;
/** Calls in the outage of exercise 1: with no budget each is tried 3 times; the budget allows 20% of them + 10. */
const OUTAGE = 50;
const KILL = `${STACK} kill backend-1-mesh`;
const ALL_FAIL = `for r in ${REPLICAS.join(' ')}; do ${faultCommand('$r', 'error_rate=1')}; done`;
const NONE_FAIL = `for r in ${REPLICAS.join(' ')}; do ${faultCommand('$r')}; done`;
const PROMETHEUS_QUERY = `curl -s "\${PROMETHEUS%/graph}/api/v1/query" --data-urlencode 'query=sum by (instance, peer) (mesh_proxy_inbound_connections_total{result="denied"})'`;

const exercises: Exercise[] = [
  {
    title: 'Break it: no retry budget.',
    text: `Turn the retry budget off in your running stack: apply it with \`UNSAFE_NO_RETRY_BUDGET=true\`, which
re-creates every sidecar with \`--unsafe-no-retry-budget\`. Then make every backend replica fail, and have the
frontend call ${OUTAGE} times. With no budget each failing call is tried three times (\`--retries 2\`), and a
service that cannot carry its load gets three times as much. Compare the retries the frontend's sidecar counted
with what the budget allows: 20% of the requests of its window (the last 10 s), plus 10. Check 3 makes the same
outage with 200 calls; the exercise's check with ${OUTAGE}.

\`\`\`sh
${BREAK_APPLY}
${URLS}
${ALL_FAIL}
${callFrom(`/call?n=${OUTAGE}&concurrency=4`)}
${frontendMetrics('retries_total|retry_budget')}
${NONE_FAIL}
\`\`\``,
    hints: [
      'compose.yaml gives every sidecar MESH_PROXY_UNSAFE_NO_RETRY_BUDGET from UNSAFE_NO_RETRY_BUDGET: set on the apply line, it re-creates them with it; an apply without it puts them back.',
      '`mesh_proxy_retry_budget_window_requests` is the window the budget counts; `mesh_proxy_retry_budget_exhausted_total` the retries it refused (none, with no budget).',
      `The check wants the frontend's sidecar running with MESH_PROXY_UNSAFE_NO_RETRY_BUDGET=true; then it makes every replica fail, makes ${OUTAGE} calls, and compares the retries with the budget.`,
    ],
    solution: { commands: [BREAK_APPLY] },
    recreate: ['frontend-mesh', ...REPLICAS.map((r) => `${r}-mesh`), 'ledger-mesh'],
    break: 'no-retry-budget',
    async check(ctx) {
      const flag = (await envOf(ctx, 'frontend-mesh')).MESH_PROXY_UNSAFE_NO_RETRY_BUDGET;
      if (flag !== 'true')
        return fail(`the frontend's sidecar retries within its budget (MESH_PROXY_UNSAFE_NO_RETRY_BUDGET=${flag}): ${BREAK_APPLY}`);
      const o = await outage(ctx, OUTAGE);
      if (o.retries <= o.allowed)
        return fail(`with every replica failing, ${OUTAGE} calls made ${o.retries} retries, within the budget's ${o.allowed}`);
      return pass(
        `with every replica failing and no budget, ${OUTAGE} calls made ${o.retries} retries where a budget would allow ${o.allowed} for the ${o.window} requests of the last 10 s: the failing replicas got ${o.tries} tries`,
      );
    },
  },
  {
    title: 'Raise the ejection cap.',
    text: `The frontend's sidecar ejects a replica that fails 5 times in a row, but never more than
\`--outlier-max-ejection-percent\` of a destination's endpoints at once (10%, Envoy's default), and one is always
ejectable: of 3 backends, 1. Give the frontend's sidecar \`MESH_PROXY_OUTLIER_MAX_EJECTION_PERCENT: "67"\` in
compose.yaml (2 of 3), apply it, fail two replicas at once and call: both are ejected, and backend-3 alone
answers. Under the default cap, the second failing replica keeps its share of the calls, each failure retried
within the budget. Which is worse when backend-3 cannot carry the whole load?

\`\`\`sh
${APPLY}
${faultCommand('backend-1', 'error_rate=1')}
${faultCommand('backend-2', 'error_rate=1')}
${callFrom('/call?n=30&concurrency=1')}
${URLS}
${frontendMetrics('outlier')}
${faultCommand('backend-1')}
${faultCommand('backend-2')}
\`\`\``,
    hints: [
      'The caller ejects, not the callee: the setting belongs in frontend-mesh’s environment, beside MESH_PROXY_OUTBOUND.',
      'The cap is max(1, ⌊endpoints × percent / 100⌋): with 3 endpoints, 67% allows 2.',
      'The check wants the frontend’s sidecar allowed to eject 2 of 3; then it fails backend-1 and backend-2 and calls in tens until both are ejected at once (30 s at most).',
    ],
    ...fileEdit(
      COMPOSE,
      `@@ -112,2 +112,3 @@
       MESH_PROXY_OUTBOUND: backend=15001
+      MESH_PROXY_OUTLIER_MAX_EJECTION_PERCENT: "67"
     depends_on:
`,
      [APPLY],
    ),
    async check(ctx) {
      const percent = Number((await envOf(ctx, 'frontend-mesh')).MESH_PROXY_OUTLIER_MAX_EJECTION_PERCENT ?? 10);
      const { known, cap } = await ejectionCap(ctx, percent);
      if (cap < 2)
        return fail(
          `the frontend's sidecar may eject ${cap} of its ${known} backends at once (MESH_PROXY_OUTLIER_MAX_EJECTION_PERCENT=${percent}): allow 2 in compose.yaml, then ${APPLY}`,
        );
      const seen = await bothEjected(ctx);
      if (!seen) return fail(`with backend-1 and backend-2 failing, the frontend's sidecar did not eject both at once within 30 s`);
      return pass(
        `with backend-1 and backend-2 failing, the frontend's sidecar ejected both at once (${cap} of ${known} allowed, ${seen.ejections} ejections): the last ${seen.last.n} calls, ${seen.last.ok} answered, by ${JSON.stringify(seen.last.replicas)}`,
      );
    },
  },
  {
    title: 'Kill a sidecar.',
    text: `Kill backend-1's sidecar, as a crash would (no drain), and have the frontend call. backend-1's pod is still
in DNS, so the frontend's sidecar still picks it and finds nothing listening: each such try fails to connect, is
retried on another replica (\`mesh_proxy_retries_total{reason="connect_failure"}\`), and after 5 in a row
backend-1 is ejected. The frontend's app sees none of it. \`kill\` counts as a manual stop, so Docker's restart
policy leaves the sidecar down (a crash from inside would restart it); \`--reset\` starts it again.

\`\`\`sh
${KILL}
${STACK} ps --all backend-1-mesh
${callFrom('/call?n=30&concurrency=1')}
${URLS}
${frontendMetrics('retries_total|outlier')}
\`\`\``,
    hints: [
      'The pod (its pause container) still runs, so the name backend still resolves to backend-1’s address: only its port 15006 is closed.',
      'A connect failure is safe to retry for any method: the request never left the caller.',
      'The check wants backend-1-mesh not running; then it makes 30 calls and wants all of them answered by the other replicas, with a connect failure retried or backend-1 ejected.',
    ],
    solution: { commands: [KILL] },
    async restore(ctx) {
      await ctx.project.up(120, { recreate: false });
    },
    async check(ctx) {
      const state = (await $`docker inspect --format {{.State.Status}} ${await ctx.project.id('backend-1-mesh')}`.quiet()).stdout.trim();
      if (state === 'running') return fail(`backend-1-mesh is running: ${KILL}`);
      const { admin } = await endpoints(ctx.project);
      const connectRetries = async () => total(await metricsOf(admin), 'mesh_proxy_retries_total', 'reason="connect_failure"');
      const [before, ejections] = [await connectRetries(), (await counters(admin)).ejections];
      const c = await calls(ctx.project, '/call?n=30&concurrency=1');
      const retried = (await connectRetries()) - before;
      const ejected = (await counters(admin)).ejections - ejections;
      const out = total(await metricsOf(admin), 'mesh_proxy_outlier_ejected_endpoints', 'destination="backend"');
      if (c.ok < c.n) return fail(`with backend-1-mesh ${state}, ${c.n - c.ok} of ${c.n} calls failed: ${JSON.stringify(c.statuses)}`);
      if (!retried && !out) return fail(`the frontend's sidecar neither retried a connect failure nor has a replica ejected`);
      return pass(
        `with backend-1-mesh ${state}, all ${c.n} calls succeeded (${JSON.stringify(c.replicas)}): the frontend's sidecar retried ${retried} connect failures on other replicas, ejected ${ejected} endpoint(s), and has ${out} out now`,
      );
    },
  },
  {
    title: 'Drop the allow list.',
    text: `A backend's sidecar lets in only the callers on its allow list: \`MESH_PROXY_ALLOW: frontend\` in
compose.yaml (\`x-backend-mesh\`). Empty it (\`MESH_PROXY_ALLOW: ""\`: nobody) and apply it: the three backend
sidecars are re-created, and every call of the frontend now gets \`403\`. Its mTLS handshake still succeeds (its
certificate is good), and then its identity is not allowed. Each backend's sidecar logs the refused caller, and
counts it in \`mesh_proxy_inbound_connections_total{result="denied"}\`, which Prometheus scrapes from every
sidecar.

\`\`\`sh
${APPLY}
${callFrom('/call?n=10&concurrency=1')}
${STACK} logs --tail 3 backend-1-mesh
${URLS}
${PROMETHEUS_QUERY}
\`\`\``,
    hints: [
      'The three replicas share their sidecar’s environment (x-backend-mesh): one line changes.',
      'A refusal by the allow list is a 403 after the handshake; no certificate, or another CA’s, ends in the handshake (check 2).',
      'The check wants no backend sidecar allowing frontend; then it makes 9 calls and wants each answered 403, and the backends’ denied connections counted.',
    ],
    ...fileEdit(
      COMPOSE,
      `@@ -55,3 +55,3 @@
     MESH_PROXY_SERVICE: backend
-    MESH_PROXY_ALLOW: frontend
+    MESH_PROXY_ALLOW: ""
     MESH_PROXY_OUTBOUND: ledger=15002
`,
      [APPLY],
    ),
    async check(ctx) {
      for (const r of REPLICAS) {
        const list = (await envOf(ctx, `${r}-mesh`)).MESH_PROXY_ALLOW;
        if (allows(list, 'frontend'))
          return fail(`${r}-mesh lets the frontend in (MESH_PROXY_ALLOW=${list}): empty the allow list in compose.yaml, then ${APPLY}`);
      }
      const count = async () => (await Promise.all(REPLICAS.map((r) => denied(ctx, r)))).reduce((s, n) => s + n, 0);
      const before = await count();
      const c = await calls(ctx.project, '/call?n=9&concurrency=1');
      const refused = (await count()) - before;
      if ((c.statuses['403'] ?? 0) < c.n) return fail(`of ${c.n} calls, ${c.statuses['403'] ?? 0} got 403: ${JSON.stringify(c.statuses)}`);
      if (!refused) return fail(`every call got 403, but no backend sidecar counted a denied connection`);
      return pass(
        `the backends' sidecars refuse the frontend: all ${c.n} calls got 403, and they counted ${refused} denied connection(s) from it`,
      );
    },
  },
];

export default exercises;

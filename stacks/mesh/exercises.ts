// The mesh lesson's exercises, as the learner reads them: text, hints, solution and reset of each, and its check
// (scripts/lib/exercise/types.ts). The checks are in exercise-checks.ts; the commands and helpers both use, in
// exercise-support.ts. `npm run gen` writes the README's Exercises section from this list;
// scripts/lib/test/exercises.docker.test.ts proves each one: its check fails on the untouched stack, passes once the
// solution is applied, and fails again after --reset, which leaves git status clean.
import { type Exercise, fileEdit } from '../../scripts/lib/exercise/types.js';
import { checkAllowListDropped, checkEjectionCap, checkNoRetryBudget, checkSidecarKilled } from './exercise-checks.js';
import {
  ALL_FAIL,
  APPLY,
  BREAK_APPLY,
  COMPOSE,
  callFrom,
  faultCommand,
  frontendMetrics,
  KILL,
  NONE_FAIL,
  OUTAGE,
  PROMETHEUS_QUERY,
  STACK,
  URLS,
} from './exercise-support.js';
import { REPLICAS } from './support.js';

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
      `With no budget the sidecar keeps no window: its \`mesh_proxy_retry_budget_*\` series are gone, and \`mesh_proxy_retries_total\` is the figure. Read it before and after the calls: up to 2 retries a call (\`--retries 2\`), where a budget would allow 20% of the ${OUTAGE} calls plus 10, if nothing else called the backend in those 10 s. To see the window the budget counts, make the same outage after an apply without the variable.`,
      `The check wants the frontend's sidecar running with MESH_PROXY_UNSAFE_NO_RETRY_BUDGET=true; then it makes every replica fail, makes ${OUTAGE} calls, and compares the retries with the budget.`,
    ],
    solution: { commands: [BREAK_APPLY] },
    recreate: ['frontend-mesh', ...REPLICAS.map((r) => `${r}-mesh`), 'ledger-mesh'],
    break: 'no-retry-budget',
    check: checkNoRetryBudget,
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
    check: checkEjectionCap,
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
    check: checkSidecarKilled,
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
    check: checkAllowListDropped,
  },
];

export default exercises;

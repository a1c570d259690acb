// The mesh lesson's break-it exercise as an inverted check (scripts/lib/exercise/types.ts, Break): applied to a
// run of its own, it must turn its check red. `npm run gen` writes its item in the README;
// `npm run stack:mesh -- test --break no-retry-budget` runs it, and `npm test` too.
import type { Break } from '../../scripts/lib/exercise/types.js';

const breaks: Break[] = [
  {
    name: 'no-retry-budget',
    check: 3,
    because: /retries made during the outage: \d+/,
    env: { UNSAFE_NO_RETRY_BUDGET: 'true' },
    lesson: {
      title: 'Break it: no retry budget.',
      text: `Run the stack with the budget off:

\`\`\`sh
UNSAFE_NO_RETRY_BUDGET=true npm run stack:mesh
\`\`\`

Check 3 fails: with every replica failing, each request is tried three times, and the failing service receives
three times the load it already cannot carry.`,
    },
  },
];

export default breaks;

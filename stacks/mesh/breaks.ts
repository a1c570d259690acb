// The mesh lesson's break-it exercise as an inverted check (scripts/lib/exercise/types.ts, Break): applied to a
// run of its own, it must turn its check red. Exercise 1 of exercises.ts teaches it (its `break`), and `npm run gen`
// writes the paragraph that names the check under it; `npm run stack:mesh -- test --break no-retry-budget` runs it,
// and `npm test` too.
import type { Break } from '../../scripts/lib/exercise/types.js';

const breaks: Break[] = [
  {
    name: 'no-retry-budget',
    check: 3,
    because: /retries made during the outage: \d+/,
    env: { UNSAFE_NO_RETRY_BUDGET: 'true' },
  },
];

export default breaks;

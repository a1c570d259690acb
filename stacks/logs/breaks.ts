// The logs lesson's break-it exercise as an inverted check (scripts/lib/exercise/types.ts, Break): applied to a
// run of its own, it must turn its check red. Exercise 1 of exercises.ts teaches it (its `break`), and `npm run gen`
// writes the paragraph that names the check under it; `npm run stack:logs -- test --break commit-on-read` runs it,
// and `npm test` too.
import type { Break } from '../../scripts/lib/exercise/types.js';

const breaks: Break[] = [
  {
    name: 'commit-on-read',
    check: 5,
    // The verifier's counts: lines the app wrote that the store never got.
    because: /stored once: .*lost: [1-9]/,
    env: { UNSAFE_COMMIT_ON_READ: 'true' },
  },
];

export default breaks;

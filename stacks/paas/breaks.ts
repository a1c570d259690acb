// The paas lesson's break-it exercise as an inverted check (scripts/lib/exercise/types.ts, Break): applied to a
// run of its own, it must turn its check red. Exercise 2 of exercises.ts teaches it; the lesson's text under it
// names the check (npm run gen). `npm run stack:paas -- test --break no-check-command` runs it, and `npm test` too.
import type { Break } from '../../scripts/lib/exercise/types.js';

const breaks: Break[] = [
  {
    name: 'no-check-command',
    check: 3,
    // Nothing rejects the broken push any more: it is published.
    because: /^syncs rejected by the check: 0$/,
    override: `services:
  git-sync:
    environment:
      GIT_SYNC_CHECK_COMMAND: ""
`,
  },
];

export default breaks;

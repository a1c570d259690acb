// The logs lesson's break-it exercises as inverted checks (scripts/lib/exercise/types.ts, Break): each is applied
// to a run of its own and must turn its check red. `npm run gen` writes each one's item in the README;
// `npm run stack:logs -- test --break NAME` runs one, and `npm test` runs them all.
import type { Break } from '../../scripts/lib/exercise/types.js';

const breaks: Break[] = [
  {
    name: 'commit-on-read',
    check: 5,
    // The verifier's counts: lines the app wrote that the store never got.
    because: /stored once: .*lost: [1-9]/,
    env: { UNSAFE_COMMIT_ON_READ: 'true' },
    lesson: {
      title: 'Break it: advance the registry on read.',
      text: `Run the stack with the sidecars told to move their registry when a line is read, as Fluent Bit's tail
input does:

\`\`\`sh
UNSAFE_COMMIT_ON_READ=true npm run stack:logs
\`\`\`

Check 5 fails: the lines the killed sidecar had read during the outage are \`lost\`, since its registry said they
were done (1735 of 6000 in our run). Check 4 loses lines too (618 of 30000: each SIGKILL drops what was read and
not yet acknowledged), and check 6, which counts every line the app ever wrote, finds the same gaps.`,
    },
  },
];

export default breaks;

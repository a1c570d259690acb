// The paas lesson's break-it exercise as an inverted check (scripts/lib/exercise/types.ts, Break): applied to a
// run of its own, it must turn its check red. `npm run gen` writes its item in the README;
// `npm run stack:paas -- test --break no-check-command` runs it, and `npm test` too.
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
    lesson: {
      title: 'Now remove the safety net.',
      text: `Set \`GIT_SYNC_CHECK_COMMAND: ""\` in compose.yaml, apply it to the run
(\`npm run stack:paas -- apply\`) and push the same broken \`app.js\`. git-sync publishes it, nodemon restarts the
server, the server throws while loading \`app.js\`, and nodemon waits ("app crashed - waiting for file changes").
Requests now hang in the socket's backlog: the site is down until someone pushes a fix. That is the failure the
pre-publish check exists for.`,
    },
  },
];

export default breaks;

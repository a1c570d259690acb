// The config lesson's break-it exercise as an inverted check (scripts/lib/exercise/types.ts, Break): applied to a
// run of its own, it must turn its check red. `npm run gen` writes its item in the README;
// `npm run stack:config -- test --break no-validation` runs it, and `npm test` too.
import type { Break } from '../../scripts/lib/exercise/types.js';

const noValidation = `    environment:
      CONFIG_SYNC_FORMAT: text
      CONFIG_SYNC_SCHEMA: !reset null
`;

const breaks: Break[] = [
  {
    name: 'no-validation',
    check: 2,
    // As text, with no schema, the half-written JSON is accepted: nothing counts a rejection.
    because: /^sync-(hup|once): config_sync_updates_rejected_total\{reason="json"\}: 0$/,
    override: `services:
  sync-hup:
${noValidation}  sync-once:
${noValidation}`,
    lesson: {
      title: 'Break it: what goes wrong without validation.',
      text: `Start the baseline pod next to the stack. It is the same SIGHUP app, fed by
\`poller/poll.sh\`, which polls once a second and does not validate:

\`\`\`sh
npm run config -- baseline                            # starts pod-poll, poll and app-poll; prints app-poll's URL and logs command
npm run config -- set '{"version": "broken", "greeting": '
npm run stack:config -- logs -f app-poll             # "cannot load config on SIGHUP; exiting", then again at every start
\`\`\`

app-poll dies on the SIGHUP. Its restart policy brings it back, it reads the same broken file, and it dies again:
a crash loop, caused by one bad write. app-hup and app-once keep serving the last good version, and
\`config_sync_updates_rejected_total{reason="json"}\` says why. \`npm run config -- rollback\` heals the baseline
pod and changes nothing in the others, because the value equals the file they still have. Now remove the
validation from config-sync too (\`CONFIG_SYNC_FORMAT: text\` and no \`CONFIG_SYNC_SCHEMA\` in \`compose.yaml\`) and
try again.`,
    },
  },
];

export default breaks;

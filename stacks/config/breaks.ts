// The config lesson's break-it exercise as an inverted check (scripts/lib/exercise/types.ts, Break): applied to a
// run of its own, it must turn its check red. Exercise 2 of exercises.ts teaches it (its `break`), and `npm run gen`
// writes the paragraph that names the check under it; `npm run stack:config -- test --break no-validation` runs it,
// and `npm test` too.
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
  },
];

export default breaks;

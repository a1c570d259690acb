// The patterns lesson's break-it exercise as an inverted check (scripts/lib/exercise/types.ts, Break): applied to
// a run of its own, it must turn its check red. `npm run gen` writes its item in the README;
// `npm run stack:patterns -- test --break fnv1a-hash` runs it, and `npm test` too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../scripts/lib/config.js';
import type { Break } from '../../scripts/lib/exercise/types.js';

/** The ambassador's configuration with fnv1a_64 for murmur; it throws once the original no longer says murmur. */
function nutcracker(): string {
  const text = readFileSync(join(ROOT, 'stacks', 'patterns', 'ambassador', 'nutcracker.yml'), 'utf8');
  if (!text.includes('hash: murmur')) throw new Error('stacks/patterns/ambassador/nutcracker.yml no longer says hash: murmur');
  return text.replace('hash: murmur', 'hash: fnv1a_64');
}

const breaks: Break[] = [
  {
    name: 'fnv1a-hash',
    check: 4,
    because: /each shard holds a share of the notes/,
    files: { 'ambassador/nutcracker.yml': nutcracker() },
    override: `services:
  ambassador:
    volumes: !override
      - \${BREAK_DIR}/ambassador:/etc/nutcracker:ro
`,
  },
];

export default breaks;

// `npm run workshop -- bundle FILE [--stack NAME]... [--platform P]...`, once built: scripts/workshop.mjs builds the tree and runs
// this with FILE made absolute. What the file holds: scripts/lib/room-bundle.ts.
import { parseArgs } from 'node:util';
import type { Platform } from './lib/platform.js';
import { makeBundle } from './lib/room-bundle.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { stack: { type: 'string', multiple: true, default: [] }, platform: { type: 'string', multiple: true, default: [] } },
});
try {
  if (positionals.length !== 1) throw new Error('bundle: give one FILE to write');
  const m = await makeBundle(positionals[0]!, values.stack, values.platform.length ? (values.platform as Platform[]) : undefined);
  console.log(`load it on each laptop (a clone at commit ${m.revision.slice(0, 12)}): npm run workshop -- load FILE`);
} catch (e) {
  console.error(`workshop: ${(e as Error).message}`);
  process.exitCode = 2;
}

// docs/identify.md carries the well-known images table generated from known-images.ts: `npm run gen`
// writes it, test/unit/identify-docs.test.ts fails when it drifts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../config.js';
import { replaceBetween } from '../docs-gen.js';
import { IMAGES_MARKERS, knownImagesTable } from './known-images.js';

export function identifyDoc(): { path: string; current: string; wanted: string } {
  const path = join(ROOT, 'docs', 'identify.md');
  const current = readFileSync(path, 'utf8');
  return { path, current, wanted: replaceBetween(current, IMAGES_MARKERS, knownImagesTable(), 'docs/identify.md') };
}

// `npm run gen`: rewrite each sidecar's README parameter and metrics tables, and its image.yaml fragment,
// the well-known images table of docs/identify.md, the Exercises section of each lesson with exercises.ts, and the
// workshop's agenda and measurements (docs/workshop.md) with each lesson's Time section (scripts/lib/workshop.ts).
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { ROOT } from './lib/config.js';
import { exerciseLessons } from './lib/exercise/lesson.js';
import { identifyDoc } from './lib/identify/docs.js';
import { stackNames } from './lib/scenarios.js';
import { generatedFiles } from './lib/sidecar-docs.js';
import { workshopDocs } from './lib/workshop.js';

let changed = 0;
for (const f of [...(await generatedFiles()), identifyDoc(), ...(await exerciseLessons()), ...(await workshopDocs(stackNames()))]) {
  if (f.current === f.wanted) continue;
  writeFileSync(f.path, f.wanted);
  changed++;
  console.log(`updated ${relative(ROOT, f.path)}`);
}
console.log(changed ? `${changed} file(s) regenerated` : 'generated docs are up to date');

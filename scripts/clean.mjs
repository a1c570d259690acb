// `npm run build`, first step: remove the previous build output, so that a deleted or renamed source
// (a test above all) leaves nothing behind in dist/ that would still run.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
rmSync(join(root, 'dist'), { recursive: true, force: true });

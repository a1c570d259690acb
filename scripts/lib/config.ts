// Project-wide settings: the repo root, the build output, the checked-in .env (read with dotenv), the image version.
import { config as dotenv } from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The nearest directory at or above `from` that holds package.json: the repo root, whatever the build's outDir. */
export function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json at or above ${from}`);
  }
}

export const ROOT = findRoot(here);
/** The compiled tree this code runs from (<outDir>/scripts/lib/config.js -> <outDir>): dist/, or another --outDir.
 * Stacks, scenarios and parameter tables are imported from here, so one build never loads another's files. */
export const DIST = import.meta.url.endsWith('.js') ? resolve(here, '../..') : join(ROOT, 'dist');
export const STATE_DIR = join(ROOT, '.state');
export const ARTIFACTS_DIR = join(ROOT, 'artifacts');

dotenv({ path: join(ROOT, '.env'), quiet: true });

export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
export const BASE_IMAGE = process.env.BASE_IMAGE || 'debian:trixie-slim';
export const LOCAL_BASE_IMAGE = process.env.LOCAL_BASE_IMAGE || 'sidecar-lab/base:trixie';
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export const interactive = () => Boolean(process.stdout.isTTY) && !IN_CI;

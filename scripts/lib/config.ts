// Project-wide settings: the repo root, the checked-in .env (read with dotenv), the image version.
import { config as dotenv } from 'dotenv';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/scripts/lib/config.js -> repo root, or scripts/lib/config.ts -> repo root. */
const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, here.includes(`${'/dist/'}`) ? '../../..' : '../..');
export const STATE_DIR = join(ROOT, '.state');
export const ARTIFACTS_DIR = join(ROOT, 'artifacts');

dotenv({ path: join(ROOT, '.env'), quiet: true });

export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
export const BASE_IMAGE = process.env.BASE_IMAGE || 'debian:trixie-slim';
export const LOCAL_BASE_IMAGE = process.env.LOCAL_BASE_IMAGE || 'sidecar-lab/base:trixie';
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';
export const interactive = () => Boolean(process.stdout.isTTY) && !IN_CI;

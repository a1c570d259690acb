// Generated parts of each sidecar's README and Dockerfile, from its parameter table.
// `npm run gen` writes them; test/unit/drift.test.ts fails when the checked-in files differ.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dockerfileBlock, markdownTable, MARKERS, replaceBetween } from '../../sidecars/lib/docs.js';
import type { Spec } from '../../sidecars/lib/parse.js';
import type { Table } from '../../sidecars/lib/params.js';
import { sidecarNames } from './bundle.js';
import { ROOT } from './config.js';

export interface GeneratedFile { path: string; current: string; wanted: string }

/** The spec exported by sidecars/<name>/src/params.ts (compiled alongside this file). */
export async function loadSpec(name: string): Promise<Spec<Table>> {
  const url = pathToFileURL(join(ROOT, 'dist', 'sidecars', name, 'src', 'params.js')).href;
  return (await import(url)).spec as Spec<Table>;
}

export async function generatedFiles(): Promise<GeneratedFile[]> {
  const out: GeneratedFile[] = [];
  for (const name of sidecarNames()) {
    const spec = await loadSpec(name);
    for (const [file, markers, body] of [
      ['README.md', MARKERS.readme, markdownTable(spec)],
      ['Dockerfile', MARKERS.dockerfile, dockerfileBlock(spec)],
    ] as const) {
      const path = join(ROOT, 'sidecars', name, file);
      const current = readFileSync(path, 'utf8');
      out.push({ path, current, wanted: replaceBetween(current, markers, body, path) });
    }
  }
  return out;
}

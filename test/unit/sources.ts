// The project's own TypeScript sources and what they import, for the tests that guard its layout.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { ROOT } from '../../scripts/lib/config.js';

/** Repo-relative paths of the .ts files under these top-level folders (build output and node_modules left out). */
export function tsFiles(roots = ['scripts', 'sidecars', 'stacks', 'test']): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const rel = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules' && !/^dist/.test(e.name)) walk(rel);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  roots.forEach(walk);
  return out.sort();
}

export const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

/** The text without its comments. Strings are read in the same pass, so a // or /* inside one stays (a heuristic: no parser). */
export const code = (text: string) =>
  text.replace(
    /\/\*[\s\S]*?\*\/|\/\/[^\n]*|('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)/g,
    (_m, str: string | undefined) => str ?? '',
  );

/** Every module a source names: import/export ... from '…', import '…', and import('…') with a string literal. */
export function importsOf(text: string): string[] {
  const src = code(text);
  const specs: string[] = [];
  for (const re of [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ]) {
    for (const m of src.matchAll(re)) specs.push(m[1]!);
  }
  return specs;
}

/** A relative import as a repo-relative .ts path; undefined for a package (bare) import. */
export function resolveImport(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return normalize(relative('.', join(dirname(file), spec))).replace(/\.js$/, '.ts');
}

// The layering rules: stacks → scripts → compose → containers, and sidecars depend on nothing of
// ours but sidecars/lib, and the data plane (sidecars/lib/dataplane/) is used through its one entry point.
// Pure functions over { file: text }, so a test can feed them a made-up tree.
import { importsOf, resolveImport } from './sources.js';

export type Tree = Record<string, string>;

/** The data plane's folder: only its own files import anything in it but index.ts. */
const DATAPLANE = 'sidecars/lib/dataplane/';

/** Why `file` may not import `target` (both repo-relative), or undefined when it may. */
export function forbidden(file: string, target: string): string | undefined {
  const [top, second] = file.split('/');
  if (target.startsWith(DATAPLANE) && !file.startsWith(DATAPLANE) && target !== `${DATAPLANE}index.ts`)
    return 'the data plane is used through its entry point, sidecars/lib/dataplane/index.ts';
  if (top === 'sidecars' && second === 'lib')
    return target.startsWith('sidecars/lib/') ? undefined : 'sidecars/lib imports nothing outside sidecars/lib';
  if (top === 'sidecars') {
    return target.startsWith('sidecars/lib/') || target.startsWith(`sidecars/${second}/`)
      ? undefined
      : `a sidecar imports only sidecars/lib and its own folder (sidecars/${second}/)`;
  }
  if (top === 'scripts' && target.startsWith('stacks/')) return 'scripts/ is generic: it never imports a stack';
  return undefined;
}

/** Every import that crosses a layer the wrong way, as "file: import 'spec' (rule)". */
export function layerViolations(tree: Tree): string[] {
  const out: string[] = [];
  for (const [file, text] of Object.entries(tree)) {
    for (const spec of importsOf(text)) {
      const target = resolveImport(file, spec);
      const why = target && forbidden(file, target);
      if (why) out.push(`${file}: import '${spec}' (${why})`);
    }
  }
  return out;
}

/** Import cycles among the files of `tree` under `prefix`, each as "a.ts → b.ts → a.ts". */
export function importCycles(tree: Tree, prefix: string): string[] {
  const inside = Object.keys(tree).filter((f) => f.startsWith(prefix));
  const edges = new Map(
    inside.map((f) => [
      f,
      importsOf(tree[f]!)
        .map((s) => resolveImport(f, s))
        .filter((t): t is string => Boolean(t && inside.includes(t))),
    ]),
  );
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (f: string, path: string[]) => {
    state.set(f, 'open');
    for (const t of edges.get(f) ?? []) {
      if (state.get(t) === 'open') cycles.push([...path.slice(path.indexOf(t)), f, t].join(' → '));
      else if (!state.has(t)) visit(t, [...path, f]);
    }
    state.set(f, 'done');
  };
  for (const f of inside) if (!state.has(f)) visit(f, []);
  return cycles;
}

// Reading YAML that may be hostile: duplicate keys refused (as Compose refuses them), nesting bounded
// before the parser recurses, alias expansion bounded (an alias bomb is a small text whose expanded tree
// is enormous), and every failure one line, never a stack trace. js-yaml parses (ten times faster than
// the yaml package here, and as lenient as Compose's parser about flow collections' indentation).
import { loadAll, YAMLException } from 'js-yaml';

/** A file Compose (or identify) refuses, with the one-line reason. */
export class ComposeError extends Error {}

export const MAX_DEPTH = 100;
/** The most nodes a document may have once its aliases are expanded. */
const MAX_EXPANDED = 200_000;

/** How deep flow brackets and block indentation nest, cheaply and roughly (quotes and comments are not parsed). */
function nesting(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123)
      max = Math.max(max, ++depth); // [ {
    else if (c === 93 || c === 125)
      depth = Math.max(0, depth - 1); // ] }
    else if (c === 10) {
      let indent = 0;
      while (text.charCodeAt(i + 1 + indent) === 32) indent++;
      max = Math.max(max, depth + Math.floor(indent / 2));
    }
  }
  return max;
}

/** The size of a value's tree with every alias expanded, stopping at `limit` (shared subtrees are sized once). */
function expandedSize(v: unknown, limit: number, memo = new Map<object, number>()): number {
  if (typeof v !== 'object' || v === null) return 1;
  const known = memo.get(v);
  if (known !== undefined) return known;
  memo.set(v, limit + 1); // a cycle (a recursive alias) counts as too big
  let n = 1;
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    n += expandedSize(x, limit, memo);
    if (n > limit) break;
  }
  memo.set(v, n);
  return n;
}

const firstLine = (s: string) => s.split('\n')[0]!.trim();

/** Every document of a YAML stream as plain data; a ComposeError for text that is not valid, bounded YAML. */
export function parseYamlDocuments(text: string): unknown[] {
  if (nesting(text) > MAX_DEPTH * 2) throw new ComposeError(`nested deeper than ${MAX_DEPTH} levels`);
  let docs: unknown[];
  try {
    docs = loadAll(text);
  } catch (e) {
    if (e instanceof RangeError) throw new ComposeError(`nested deeper than ${MAX_DEPTH} levels`);
    const m = e instanceof YAMLException ? e.message : String(e);
    throw new ComposeError(/duplicated mapping key/.test(m) ? `duplicate key: ${firstLine(m)}` : `invalid YAML: ${firstLine(m)}`);
  }
  // aliases need anchors: a text without '&' cannot expand
  if (text.includes('&'))
    for (const d of docs)
      if (expandedSize(d, MAX_EXPANDED) > MAX_EXPANDED)
        throw new ComposeError(`too many YAML aliases: expands beyond ${MAX_EXPANDED} nodes`);
  return docs;
}

/** The first document of a YAML text (a compose file is one document), or {} when it is empty. */
export function parseYamlObject(text: string): Record<string, unknown> {
  const first = parseYamlDocuments(text).find((d) => d !== null && d !== undefined);
  if (first === undefined) return {};
  if (typeof first !== 'object' || Array.isArray(first)) throw new ComposeError('top level is not a mapping');
  return first as Record<string, unknown>;
}

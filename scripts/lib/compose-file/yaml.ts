// Reading YAML that may be hostile: duplicate keys refused (as Compose refuses them), alias expansion
// bounded (the yaml package's maxAliasCount), nesting bounded before the parser recurses, and every
// failure one line, never a stack trace.
import { parseAllDocuments } from 'yaml';

/** A file Compose (or identify) refuses, with the one-line reason. */
export class ComposeError extends Error {}

export const MAX_DEPTH = 100;
const MAX_ALIASES = 100;

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

/** Continuation lines of a flow collection indented deeper than the line that opened it: go-yaml (and so
 * Compose) accepts them at any indentation, the yaml package does not. Quotes and comments are honoured roughly. */
export function reindentFlow(text: string): string {
  const lines = text.split('\n');
  let depth = 0;
  let openerIndent = 0;
  return lines
    .map((line) => {
      let out = line;
      const indent = line.length - line.trimStart().length;
      if (depth > 0 && line.trim() && indent <= openerIndent) out = ' '.repeat(openerIndent + 1) + line.trimStart();
      const before = depth;
      let quote = '';
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (quote) {
          if (c === '\\' && quote === '"') i++;
          else if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) break;
        else if (c === '[' || c === '{') depth++;
        else if (c === ']' || c === '}') depth = Math.max(0, depth - 1);
      }
      if (before === 0 && depth > 0) openerIndent = indent;
      return out;
    })
    .join('\n');
}

const firstLine = (s: string) => s.split('\n')[0]!.replace(/:$/, '');

/** Every document of a YAML stream as plain data; a ComposeError for text that is not valid, bounded YAML. */
export function parseYamlDocuments(text: string): unknown[] {
  if (nesting(text) > MAX_DEPTH * 2) throw new ComposeError(`nested deeper than ${MAX_DEPTH} levels`);
  const opts = { merge: true, uniqueKeys: true, logLevel: 'error' } as const;
  let list = [parseAllDocuments(text, opts)].flat();
  if (list.some((d) => d.errors.some((e) => /sufficiently indented/.test(e.message)))) {
    const again = [parseAllDocuments(reindentFlow(text), opts)].flat();
    if (again.every((d) => !d.errors.length)) list = again;
  }
  const out: unknown[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) {
      const what = err.code === 'DUPLICATE_KEY' ? 'duplicate key' : 'invalid YAML';
      throw new ComposeError(`${what}: ${firstLine(err.message)}`);
    }
    try {
      out.push(doc.toJS({ maxAliasCount: MAX_ALIASES }));
    } catch (e) {
      const m = (e as Error).message;
      throw new ComposeError(/alias/i.test(m) ? `too many YAML aliases (more than ${MAX_ALIASES}): ${firstLine(m)}` : firstLine(m));
    }
  }
  return out;
}

/** The first document of a YAML text (a compose file is one document), or {} when it is empty. */
export function parseYamlObject(text: string): Record<string, unknown> {
  const first = parseYamlDocuments(text).find((d) => d !== null && d !== undefined);
  if (first === undefined) return {};
  if (typeof first !== 'object' || Array.isArray(first)) throw new ComposeError('top level is not a mapping');
  return first as Record<string, unknown>;
}

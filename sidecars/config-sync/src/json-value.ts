// Turns the bytes of a value into the document the schema judges, and refuses what JSON.parse would
// let through silently, so that the schema judges exactly what the app will read:
//   - bytes that are not UTF-8 (invalid, overlong, encoded surrogates, cut short): Buffer#toString
//     would turn them into U+FFFD, which the app's own decoder may not do. A BOM is kept, so JSON.parse
//     refuses it (an app may or may not skip it);
//   - an object key given twice: JSON.parse keeps the last, another parser may keep the first;
//   - a number beyond ±(2^53-1): a double cannot hold it, so 9007199254740993 would be judged as …992.
// The scan is a loop with its own stack, never recursion, so no depth of nesting can overflow it.
export type Parsed = { ok: true; doc: unknown } | { ok: false; error: string };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /[-+0-9.eE]/;

/** Decodes and parses a value; never throws for any bytes. */
export function parseValue(bytes: Uint8Array): Parsed {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, error: 'not UTF-8: the bytes hold an invalid or overlong UTF-8 sequence' };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${(e as Error).message}` };
  }
  const problem = ambiguity(text);
  return problem ? { ok: false, error: `not JSON: ${problem}` } : { ok: true, doc };
}

interface Frame {
  keys: Set<string> | undefined;
  at: string | number;
  expectKey: boolean;
}

const pointer = (frames: Frame[], upTo: number) =>
  '/' +
  frames
    .slice(0, upTo)
    .map((f) => String(f.at).replace(/~/g, '~0').replace(/\//g, '~1'))
    .join('/');

/** The end (exclusive) of the string that starts with the quote at i. */
function stringEnd(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 0x5c)
      j++; // backslash: skip the escaped character
    else if (c === 0x22) return j + 1;
  }
  return text.length;
}

/** In text that JSON.parse accepted: the first duplicate key or inexact number, described; else undefined. */
function ambiguity(text: string): string | undefined {
  const frames: Frame[] = [];
  const top = () => frames[frames.length - 1];
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (WS.has(c) || c === ':') {
      i++;
      continue;
    }
    if (c === '{' || c === '[') {
      frames.push({ keys: c === '{' ? new Set() : undefined, at: c === '{' ? '' : 0, expectKey: c === '{' });
      i++;
    } else if (c === '}' || c === ']') {
      frames.pop();
      i++;
    } else if (c === ',') {
      const f = top()!;
      if (f.keys) f.expectKey = true;
      else f.at = (f.at as number) + 1;
      i++;
    } else if (c === '"') {
      const end = stringEnd(text, i);
      const f = top();
      if (f?.keys && f.expectKey) {
        const key = JSON.parse(text.slice(i, end)) as string;
        if (f.keys.has(key)) return `duplicate key ${JSON.stringify(key)} in the object at ${pointer(frames, frames.length - 1)}`;
        f.keys.add(key);
        f.at = key;
        f.expectKey = false;
      }
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let end = i + 1;
      while (end < text.length && NUMBER.test(text[end]!)) end++;
      const literal = text.slice(i, end);
      if (!(Math.abs(Number(literal)) <= Number.MAX_SAFE_INTEGER)) {
        return `the number ${literal} at ${frames.length ? pointer(frames, frames.length) : '/'} is beyond ±(2^53-1), which cannot be compared exactly`;
      }
      i = end;
    } else {
      i++; // the letters of true, false and null
    }
  }
  return undefined;
}

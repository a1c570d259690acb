// Compose's interpolation of one string: ${X}, $X, ${X:-d}, ${X-d}, ${X:?e}, ${X?e}, ${X:+a}, ${X+a}, $$,
// and defaults that hold interpolation themselves (${A:-${B:-c}}). What an unset variable becomes is the
// caller's choice: the k8s converter puts a per-run marker there, identify leaves the text visible.
import { ComposeError } from './yaml.js';

export type Env = Record<string, string | undefined>;

export interface InterpolateOptions {
  /** What `${NAME}` or `$NAME` (as `text`) becomes when NAME is unset and has no default. */
  unset: (name: string, text: string) => string;
  /** A `${NAME:?message}` left unset: throw Compose's refusal (true) or treat it as `unset` (false). */
  refuseRequired: boolean;
}

const NAME = /^[A-Za-z_]\w*/;

/** The index of the `}` closing a `${` whose body starts at `from`, or -1. */
function closing(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function expand(body: string, whole: string, env: Env, o: InterpolateOptions): string {
  const m = /^([A-Za-z_]\w*)(?:(:?[-?+])([\s\S]*))?$/.exec(body);
  if (!m) {
    if (o.refuseRequired) throw new ComposeError(`invalid interpolation format for ${whole}`);
    return whole;
  }
  const [, name, op, arg = ''] = m as unknown as [string, string, string | undefined, string | undefined];
  const value = env[name];
  const set = value !== undefined;
  const nonEmpty = set && value !== '';
  switch (op) {
    case ':-':
      return nonEmpty ? value : interpolate(arg, env, o);
    case '-':
      return set ? value : interpolate(arg, env, o);
    case ':+':
      return nonEmpty ? interpolate(arg, env, o) : '';
    case '+':
      return set ? interpolate(arg, env, o) : '';
    case ':?':
    case '?':
      if (op === ':?' ? nonEmpty : set) return value as string;
      if (o.refuseRequired) {
        const why = interpolate(arg, env, o);
        throw new ComposeError(`required variable ${name} is missing a value${why ? `: ${why}` : ''}`);
      }
      return o.unset(name, whole);
    default:
      return set ? value : o.unset(name, whole);
  }
}

/** One string interpolated as Compose does. */
export function interpolate(text: string, env: Env, o: InterpolateOptions): string {
  if (!text.includes('$')) return text;
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] !== '$') {
      const next = text.indexOf('$', i);
      const end = next < 0 ? text.length : next;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const n = text[i + 1];
    if (n === '$') {
      out += '$';
      i += 2;
    } else if (n === '{') {
      const end = closing(text, i + 2);
      if (end < 0) {
        if (o.refuseRequired) throw new ComposeError(`invalid interpolation format for ${text}`);
        out += text.slice(i);
        break;
      }
      out += expand(text.slice(i + 2, end), text.slice(i, end + 1), env, o);
      i = end + 1;
    } else {
      const m = NAME.exec(text.slice(i + 1));
      if (m) {
        const v = env[m[0]];
        out += v !== undefined ? v : o.unset(m[0], `$${m[0]}`);
        i += 1 + m[0].length;
      } else {
        out += '$';
        i++;
      }
    }
  }
  return out;
}

/** Every string of a parsed value interpolated (keys are left as they are, as Compose does). */
export function interpolateDeep(v: unknown, env: Env, o: InterpolateOptions): unknown {
  if (typeof v === 'string') return interpolate(v, env, o);
  if (Array.isArray(v)) return v.map((x) => interpolateDeep(x, env, o));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, interpolateDeep(x, env, o)]));
  return v;
}

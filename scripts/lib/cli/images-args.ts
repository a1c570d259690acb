// The arguments of `npm run images` / `sidecar-lab images`, read before anything talks to Docker.
import { parseArgs } from 'node:util';

export type ImagesRequest = { help: true } | { base: true } | { save: string } | { all: true } | { error: string };

export function imagesRequest(args: string[]): ImagesRequest {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({ args, allowPositionals: true, options: { save: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  try {
    parsed = parse();
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0]! };
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  if (values.save === '') return { error: '--save needs a FILE to write' };
  const [what, ...extra] = positionals;
  if (extra.length || (what !== undefined && what !== 'base') || (what === 'base' && values.save !== undefined))
    return { error: `give base, --save FILE, or nothing (build every image), not ${JSON.stringify(positionals.join(' '))}` };
  if (what === 'base') return { base: true };
  return values.save === undefined ? { all: true } : { save: values.save };
}

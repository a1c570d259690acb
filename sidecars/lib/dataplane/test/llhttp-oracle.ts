// llhttp's verdict on request heads, as Node's own HTTP server reads them: run by Node (never Bun), fed one
// base64 input per line on stdin, answering one JSON line each, in order: {ok, method, url, headers} when
// llhttp read a whole head, or {ok: false, code}. Node 20 exposes its parser binding (deprecated, still there).
import { createInterface } from 'node:readline';

type Callbacks = Record<number, unknown>;
interface ParserBinding {
  new (): Callbacks & {
    initialize(kind: number, resource: object, maxHeaderSize: number, lenient: number): void;
    execute(b: Buffer): unknown;
  };
  REQUEST: number;
  kOnHeadersComplete: number;
  kOnHeaders: number;
  kOnBody: number;
  kOnMessageComplete: number;
  kOnExecute: number;
}
process.noDeprecation = true;
const { HTTPParser, methods } = (process as unknown as { binding(n: string): { HTTPParser: ParserBinding; methods: string[] } }).binding(
  'http_parser',
);

function verdict(input: Buffer): object {
  const p = new HTTPParser();
  let head: object | undefined;
  // Past 32 fields, or across reads, llhttp hands headers and URL over in parts before the head is complete.
  const early: string[] = [];
  let earlyUrl = '';
  p[HTTPParser.kOnHeaders] = (headers: string[], url: string) => {
    early.push(...headers);
    earlyUrl += url;
  };
  p[HTTPParser.kOnHeadersComplete] = (
    _maj: number,
    _min: number,
    headers: string[] | undefined,
    method: number,
    url: string | undefined,
  ) => {
    head ??= { method: methods[method], url: earlyUrl + (url ?? ''), headers: [...early, ...(headers ?? [])] };
    return 0;
  };
  for (const k of [HTTPParser.kOnBody, HTTPParser.kOnMessageComplete, HTTPParser.kOnExecute]) p[k] = () => 0;
  p.initialize(HTTPParser.REQUEST, {}, 16 * 1024, 0);
  const r = p.execute(input);
  if (r instanceof Error) return { ok: false, code: (r as NodeJS.ErrnoException).code };
  return head ? { ok: true, ...head } : { ok: false, code: 'incomplete' };
}

createInterface({ input: process.stdin }).on('line', (line) => {
  process.stdout.write(`${JSON.stringify(verdict(Buffer.from(line, 'base64')))}\n`);
});

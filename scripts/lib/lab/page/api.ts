// The page's calls to the lab: every one with the token in an Authorization header. The live stream is
// read with fetch and a ReadableStream, so the token never travels in a URL after the first load.
import { lineSplitter } from './lines.js';

export class Refused extends Error {}

export function client(token: string) {
  const headers = { authorization: `Bearer ${token}` };
  const check = (res: Response) => {
    if (res.status === 403) throw new Refused('the lab refused the token: open the address it printed at start');
    if (!res.ok) throw new Error(`the lab answered ${res.status}`);
    return res;
  };
  return {
    async get<T>(path: string): Promise<T> {
      return (await check(await fetch(path, { headers, cache: 'no-store' })).json()) as T;
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      const res = await fetch(path, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return (await check(res).json()) as T;
    },
    /** Reads an NDJSON stream (the live events, a log; with `body`, a POST's answer: a run of checks) until it
     * ends or fails; each message goes to onMessage. */
    async stream<T>(path: string, onMessage: (m: T) => void, signal: AbortSignal, body?: unknown): Promise<void> {
      const init: RequestInit =
        body === undefined
          ? { headers, cache: 'no-store', signal }
          : { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body), signal };
      const res = check(await fetch(path, init));
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      const split = lineSplitter();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        for (const line of split(value)) onMessage(JSON.parse(line) as T);
      }
    },
  };
}

export type Client = ReturnType<typeof client>;

// Long steps show progress: a zx spinner in a terminal, plain start/end lines under CI or in a pipe.
import { spinner } from 'zx';
import { interactive } from './config.js';

export async function step<T>(title: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const done = (mark: string) => `${mark} ${title} (${((Date.now() - t0) / 1000).toFixed(1)} s)`;
  if (!interactive()) console.log(`… ${title}`);
  try {
    const out = interactive() ? await spinner(title, fn) : await fn();
    console.log(done('•'));
    return out;
  } catch (e) {
    console.log(done('✘'));
    throw e;
  }
}

// Whether the git next to this process can fetch the repository's URL at all. git speaks git:// and
// file:// itself; http(s) needs its git-remote-https helper and ssh an ssh client, which the sidecar
// image leaves out to stay small (see the README's Contract). A URL this git cannot fetch stops the
// start with one line naming --repo, instead of failing every sync.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ParamError } from '../../lib/parse.js';

/** What fetching the URL needs besides git itself: a git helper or a program on PATH, or nothing. */
export function transportNeed(url: string): { helper: string } | { program: string } | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') return { helper: 'git-remote-https' };
  if (scheme === 'ssh' || (!scheme && !url.startsWith('/'))) return { program: 'ssh' };
  return undefined;
}

/** Throws a ParamError naming repo when this machine's git cannot fetch the URL. */
export function checkTransport(url: string, env: NodeJS.ProcessEnv = process.env): void {
  const need = transportNeed(url);
  if (!need) return;
  const found =
    'helper' in need
      ? existsSync(join(execFileSync('git', ['--exec-path'], { encoding: 'utf8' }).trim(), need.helper))
      : (env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, need.program)));
  if (!found) {
    const what = 'helper' in need ? `git's ${need.helper} helper` : `an ${need.program} client`;
    throw new ParamError(
      'repo',
      `fetching this URL needs ${what}, which is not installed here (the sidecar image has git:// and file:// only)`,
    );
  }
}

// The git CLI, as git-sync uses it: a bare repository in root/.repo and one worktree per revision.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childEnv, runOk } from './exec.js';

const ENV = childEnv({ GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_OPTIONAL_LOCKS: '0' });

export class Git {
  constructor(
    readonly gitDir: string,
    readonly timeoutMs: number,
  ) {}

  private git(args: string[], what = `git ${args[0]}`): Promise<string> {
    return runOk(what, 'git', ['--git-dir', this.gitDir, ...args], { env: ENV, timeoutMs: this.timeoutMs });
  }

  /** Creates the bare repository with its remote, unless it is there already. */
  async init(url: string): Promise<void> {
    if (!existsSync(this.gitDir)) {
      await runOk('git init', 'git', ['init', '--quiet', '--bare', this.gitDir], { env: ENV, timeoutMs: this.timeoutMs });
    }
    const remotes = (await this.git(['remote'])).split('\n');
    await this.git(remotes.includes('origin') ? ['remote', 'set-url', 'origin', url] : ['remote', 'add', 'origin', url]);
  }

  /** The commit the remote ref names now (one round trip, nothing written). */
  async remoteHead(ref: string): Promise<string> {
    const out = await this.git(['ls-remote', '--exit-code', 'origin', ref], 'git ls-remote');
    const sha = /^([0-9a-f]{40})\t/m.exec(out)?.[1];
    if (!sha) throw new Error(`git ls-remote: no commit for ${ref}`);
    return sha;
  }

  /** Fetches the ref and returns the commit fetched (read from FETCH_HEAD: one process fewer per sync). */
  async fetch(ref: string, depth: number): Promise<string> {
    // --no-auto-maintenance: no housekeeping process on the way to publishing; see housekeep().
    await this.git(
      ['fetch', '--quiet', '--no-tags', '--no-auto-maintenance', ...(depth > 0 ? [`--depth=${depth}`] : []), 'origin', ref],
      'git fetch',
    );
    const sha = /^([0-9a-f]{40})\t/.exec(readFileSync(join(this.gitDir, 'FETCH_HEAD'), 'utf8'))?.[1];
    if (!sha) throw new Error(`git fetch: FETCH_HEAD names no commit for ${ref}`);
    return sha;
  }

  /** git's own housekeeping (packs loose objects when there are many), run after a publish. */
  housekeep() {
    return this.git(['maintenance', 'run', '--auto', '--quiet']);
  }

  worktreeAdd(path: string, sha: string) {
    return this.git(['worktree', 'add', '--quiet', '--detach', path, sha]);
  }
  worktreeMove(from: string, to: string) {
    return this.git(['worktree', 'move', from, to]);
  }
  worktreeRemove(path: string) {
    return this.git(['worktree', 'remove', '--force', '--force', path]);
  }
  worktreePrune() {
    return this.git(['worktree', 'prune']);
  }
  worktreeRepair(paths: string[]) {
    return paths.length ? this.git(['worktree', 'repair', ...paths]) : Promise.resolve('');
  }
}

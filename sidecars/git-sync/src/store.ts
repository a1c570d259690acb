// The shared directory's layout, and how trees come and go in it:
//   root/.repo/                  bare repository (never published)
//   root/worktrees/<sha>.staging one being checked out and checked: half-made until renamed
//   root/worktrees/<sha>         complete trees (renamed in only after checkout and check)
//   root/<link> -> worktrees/<sha>
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ParamError } from '../../lib/parse.js';
import { Git } from './git.js';
import { readLink } from './link.js';

export const SHA = /^[0-9a-f]{40}$/;
const STAGING = /^[0-9a-f]{40}\.staging$/;

export class Store {
  readonly git: Git;
  readonly worktrees: string;

  constructor(
    readonly root: string,
    readonly link: string,
    timeoutMs: number,
  ) {
    this.git = new Git(join(root, '.repo'), timeoutMs);
    this.worktrees = join(root, 'worktrees');
  }

  async init(url: string): Promise<void> {
    this.prepare();
    await this.git.init(url);
  }

  /** Makes the directories git-sync writes in root (git init makes .repo) and checks the link's place: errors name the parameter, not a bare errno. */
  private prepare(): void {
    const writable = (dir: string) => {
      try {
        mkdirSync(dir, { recursive: true });
        if (!statSync(dir).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
        accessSync(dir, constants.W_OK);
      } catch (e) {
        throw new ParamError('root', `${this.root}: cannot create or write the directory ${dir} (${(e as NodeJS.ErrnoException).code})`);
      }
    };
    writable(this.worktrees);
    if (existsSync(this.git.gitDir)) writable(this.git.gitDir);
    const link = join(this.root, this.link);
    if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink() === false)
      throw new ParamError('link', `${link} exists and is not a symbolic link (git-sync publishes its link there)`);
  }

  path(sha: string): string {
    return join(this.worktrees, sha);
  }
  isComplete(sha: string): boolean {
    return existsSync(this.path(sha));
  }

  /** The revision the link points at, when it points at a complete tree. */
  current(): string | undefined {
    const target = readLink(this.root, this.link);
    const sha = target?.match(/^worktrees\/([0-9a-f]{40})$/)?.[1];
    return sha && this.isComplete(sha) ? sha : undefined;
  }

  /** Complete trees, by revision. */
  complete(): string[] {
    return readdirSync(this.worktrees).filter((n) => SHA.test(n));
  }
  /** Half-made trees a killed sync left. */
  staging(): string[] {
    return readdirSync(this.worktrees).filter((n) => STAGING.test(n));
  }

  /** Checks the revision out under its staging name; returns that path. */
  async stage(sha: string): Promise<string> {
    const path = join(this.worktrees, `${sha}.staging`);
    if (existsSync(path)) await this.removeTree(path);
    await this.git.worktreeAdd(path, sha);
    return path;
  }

  /** Renames a checked tree to its final name: from here on it is complete. */
  async finalize(sha: string): Promise<void> {
    await this.git.worktreeMove(join(this.worktrees, `${sha}.staging`), this.path(sha));
  }

  /** Removes a tree and git's record of it, even when either is half there. */
  async removeTree(path: string): Promise<void> {
    try {
      await this.git.worktreeRemove(path);
    } catch {
      rmSync(path, { recursive: true, force: true });
      await this.git.worktreePrune();
    }
  }
}

// What the paas checks share: published addresses, a host-side working copy that commits and
// pushes with the host's git, plain HTTP without keep-alive, and git-sync's metrics.
import { chmodSync, chownSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { $ } from 'zx';
import { eventually, expect } from '../../scripts/lib/check.js';
import type { Project } from '../../scripts/lib/compose.js';
import { projectOf, readRun, runDir } from '../../scripts/lib/run-state.js';
import { parseMetrics } from '../../sidecars/lib/metrics.js';

/** git-sync's uid and gid in its image: the group that may read the webhook key. */
const SIDECAR_GID = 10005;

/** Before `up`: a fresh webhook key in a directory of its own, readable by the sidecar's group only. */
export function makeSecret(state: string): string {
  const dir = join(state, 'secrets');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'webhook'), `${randomBytes(24).toString('hex')}\n`, { mode: 0o640 });
  try {
    chownSync(dir, process.getuid?.() ?? 0, SIDECAR_GID);
    chownSync(join(dir, 'webhook'), process.getuid?.() ?? 0, SIDECAR_GID);
    chmodSync(dir, 0o750);
  } catch {
    // Not root on the host: fall back to world-readable (a lab key on 127.0.0.1 only).
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'webhook'), 0o644);
  }
  return dir;
}

export const secretOf = (state: string) => readFileSync(join(state, 'secrets', 'webhook'), 'utf8').trim();

/** A running paas project that `up` left, as recorded in its run.json, every file included (for the demo and the bench). */
export function runningProject(name: string): { project: Project; state: string } {
  return { state: runDir(name), project: projectOf(readRun(name)) };
}

type Endpoints = { app: string; webhook: string; admin: string };
const pods = new Map<string, Promise<Endpoints>>();
const gits = new Map<string, Promise<string>>();

/** The pod's published addresses. Asked of Compose once per project (the pod is never restarted
 * here): `docker compose port` is a heavy process, and the checks poll in tight loops. */
export function endpoints(project: Project): Promise<Endpoints> {
  let e = pods.get(project.name);
  if (!e) {
    e = Promise.all([project.port('pod', 8080), project.port('pod', 9002), project.port('pod', 9903)]).then(([app, webhook, admin]) => ({
      app: `http://${app}`,
      webhook: `http://${webhook}/webhook`,
      admin: `http://${admin}`,
    }));
    e.catch(() => pods.delete(project.name));
    pods.set(project.name, e);
  }
  return e;
}

/** The git server's URL, cached like the pod's; forgotten when a push fails and when a check restarts the
 * server (forgetGitUrl), since a restarted git server gets a new port (and a stopped one has none). */
export function gitUrl(project: Project): Promise<string> {
  let u = gits.get(project.name);
  if (!u) {
    u = project.port('git-server', 9418).then((a) => `git://${a}/site.git`);
    u.catch(() => gits.delete(project.name));
    gits.set(project.name, u);
  }
  return u;
}

export const forgetGitUrl = (project: Project) => gits.delete(project.name);

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  ms: number;
}

/** One HTTP/1.1 request on a fresh connection (no keep-alive); the path is sent exactly as given. */
export function http(
  base: string,
  path: string,
  o: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<Reply> {
  const u = new URL(base);
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path,
        method: o.method ?? 'GET',
        agent: false,
        headers: { connection: 'close', ...o.headers },
        timeout: o.timeoutMs ?? 5000,
      },
      (res) => {
        let body = '';
        res
          .setEncoding('utf8')
          .on('data', (d: string) => (body += d))
          .on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, ms: Date.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${o.timeoutMs ?? 5000} ms: ${path}`)));
    req.on('error', reject);
    req.end(o.body);
  });
}

export async function metrics(project: Project): Promise<Map<string, number>> {
  const { admin } = await endpoints(project);
  return parseMetrics((await http(admin, '/metrics')).body);
}

/** Sum of a metric's series whose labels include every given label. */
export function sum(m: Map<string, number>, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const [k, v] of m) {
    if (k !== name && !k.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([l, val]) => k.includes(`${l}="${val}"`))) total += v;
  }
  return total;
}

/** The revision the app serves now (its X-Revision header) and the page. */
export async function served(project: Project): Promise<{ revision: string; build: number; body: string }> {
  const { app } = await endpoints(project);
  const r = await http(app, '/');
  expect.equal(r.status, 200, 'status of GET /');
  return { revision: String(r.headers['x-revision']), build: buildOf(r.body), body: r.body };
}

export const buildOf = (text: string) => Number(/build (\d+)/.exec(text)?.[1] ?? NaN);

/** Waits until the app serves a revision; resolves with the ms it took from `since`. */
export async function waitServed(project: Project, sha: string, since: number, within: number, every = 20): Promise<number> {
  await eventually(async () => expect.equal((await served(project)).revision, sha, 'revision the app serves'), { within, every });
  return Date.now() - since;
}

/** A working copy on the host, committing with the host's git and pushing over the published port. */
export class Work {
  private build = 0;
  private untracked = false;
  constructor(
    readonly dir: string,
    readonly project: Project,
  ) {}

  /** A fresh clone of the site's repository into the run's directory: a copy an earlier process left there (the
   * checks run again on the same run with the `check` verb) is replaced, as its commits may be behind the server's. */
  static async clone(ctx: { state: string; project: Project }, name = 'work'): Promise<Work> {
    return Work.cloneInto(await gitUrl(ctx.project), join(ctx.state, name), ctx.project);
  }

  /** A fresh clone of `url` into `dir`, whatever `dir` held before. */
  static async cloneInto(url: string, dir: string, project: Project): Promise<Work> {
    rmSync(dir, { recursive: true, force: true });
    await $`git clone --quiet ${url} ${dir}`.quiet();
    const w = new Work(dir, project);
    w.build = buildOf(readFileSync(join(dir, 'version.txt'), 'utf8'));
    return w;
  }

  private git(args: string[]) {
    return $({
      cwd: this.dir,
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' },
    })`git -c user.name=paas-scenario -c user.email=scenario@localhost ${args}`.quiet();
  }

  /** Commits the next build: index.html and version.txt both carry "build N". */
  async commitBuild(extra: Record<string, string> = {}): Promise<{ sha: string; build: number }> {
    const n = ++this.build;
    const page = readFileSync(join(this.dir, 'index.html'), 'utf8').replace(/build \d+/, `build ${n}`);
    writeFileSync(join(this.dir, 'index.html'), page);
    writeFileSync(join(this.dir, 'version.txt'), `build ${n}\n`);
    for (const [f, text] of Object.entries(extra)) {
      mkdirSync(dirname(join(this.dir, f)), { recursive: true });
      writeFileSync(join(this.dir, f), text);
    }
    // Few processes per commit: the machine is shared, and 30 of these run back to back.
    if (Object.keys(extra).length || this.untracked) await this.git(['add', '-A']);
    this.untracked = false;
    await this.git(['commit', '--quiet', '--all', '-m', `build ${n}`]);
    return { sha: readFileSync(join(this.dir, '.git', 'refs', 'heads', 'main'), 'utf8').trim(), build: n };
  }

  /** Pushes HEAD to main; webhook=false asks the git server not to announce it. Resolves with
   * what the server said (its hook's "remote: webhook: ..." lines). */
  async push({ webhook = true } = {}): Promise<string> {
    try {
      const r = await this.git([
        'push',
        '--quiet',
        ...(webhook ? [] : ['-o', 'webhook=off']),
        await gitUrl(this.project),
        'HEAD:refs/heads/main',
      ]);
      return r.stderr;
    } catch (e) {
      gits.delete(this.project.name);
      throw e;
    }
  }

  async symlink(name: string, target: string): Promise<void> {
    rmSync(join(this.dir, name), { force: true });
    symlinkSync(target, join(this.dir, name));
    this.untracked = true;
  }
}

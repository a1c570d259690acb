// Which of a run's services Compose would leave alone although the files they mount were edited: a service's
// configuration names a bind-mounted directory, not what is in it, so `docker compose up` re-creates nothing when
// a learner edits nutcracker.yml. `apply` re-creates these too. Only files git tracks count: they are the lesson's
// own files; what a run writes at run time (its certificates under .state, a shared volume) is not an edit.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { $ } from 'zx';

export interface Mounted {
  service: string;
  /** When the container's process last started (ms since the epoch). */
  startedAt: number;
  /** Host paths of its bind mounts. */
  sources: string[];
}

/** The services with a tracked file under one of their bind mounts that was modified after the container started.
 * `modified` gives the modification times (ms) of the tracked files under a host path inside `root`. */
export function changedServices(mounted: Mounted[], root: string, modified: (source: string) => number[]): string[] {
  const inside = (p: string) => {
    const r = relative(root, p);
    return r !== '' && !r.startsWith('..') && !isAbsolute(r);
  };
  return [
    ...new Set(mounted.filter((m) => m.sources.filter(inside).some((s) => modified(s).some((t) => t > m.startedAt))).map((m) => m.service)),
  ].sort();
}

/** The modification times of the files git tracks under a path of the repository at `root`. */
export function trackedTimes(root: string, source: string): number[] {
  const files = execFileSync('git', ['ls-files', '-z', '--', relative(root, source)], { cwd: root, encoding: 'utf8' });
  return files
    .split('\0')
    .filter(Boolean)
    .map((f) => {
      try {
        return statSync(join(root, f)).mtimeMs;
      } catch {
        return 0; // deleted in the work tree: nothing newer to apply
      }
    });
}

/** The running containers of a project, with their start time and bind-mount sources. */
export async function mountedOf(project: string): Promise<Mounted[]> {
  const ids = (await $`docker ps -q --filter ${`label=com.docker.compose.project=${project}`}`.quiet()).stdout.split('\n').filter(Boolean);
  if (!ids.length) return [];
  const f = '{{index .Config.Labels "com.docker.compose.service"}}\t{{.State.StartedAt}}\t{{json .Mounts}}';
  const out = (await $`docker inspect --format ${f} ${ids}`.quiet()).stdout.trim().split('\n');
  return out.map((line) => {
    const [service, started, mounts] = line.split('\t');
    const binds = (JSON.parse(mounts!) as { Type: string; Source: string }[]).filter((m) => m.Type === 'bind');
    return { service: service!, startedAt: Date.parse(started!), sources: binds.map((m) => m.Source) };
  });
}

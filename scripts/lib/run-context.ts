// A run's StackContext, what its checks get: for a run being started (lifecycle.ts) and for one that `up`
// left (stack-check.ts). Side projects join `projects`, after the run's own, and go with endSideProjects.
import { join } from 'node:path';
import { Project } from './compose.js';
import { ROOT } from './config.js';
import type { DockerEvent } from './docker.js';
import { projectOf, type RunRecord, runDir } from './run-state.js';
import type { StackContext } from './stack-types.js';

export function runContext(rec: RunRecord, o: { projects: Project[]; upAt: number; events: () => DockerEvent[] }): StackContext {
  const { projects } = o;
  const dir = join(ROOT, 'stacks', rec.stack);
  if (!projects.length) projects.push(projectOf(rec));
  return {
    stack: rec.stack,
    dir,
    state: runDir(rec.project),
    project: projects[0]!,
    env: rec.env,
    upAt: o.upAt,
    events: o.events,
    async sideProject(file, label, where = {}) {
      const p = new Project({
        project: `${rec.project}-${label}`,
        cwd: where.dir ?? dir,
        files: ([] as string[]).concat(file),
        env: { ...rec.env, ...where.env },
      });
      projects.push(p);
      await p.up();
      return p;
    },
    async endSideProjects() {
      for (const p of projects.splice(1).reverse()) await p.down();
    },
  };
}

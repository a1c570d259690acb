// Each service's role: identify's reading of the project as Compose resolves it (`docker compose config`,
// as verify reads a user's file: scripts/lib/verify/groups.ts), so that variables the runner set (a stack's
// CERT_DIR) are in place. A runner's project is found through its run.json (.state/); another through the
// files Compose records in its labels. Where neither can be resolved, identify reads the files as they are;
// where that fails too, roles are unknown (null), never a failed page. Read once per project.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '../compose.js';
import { identify } from '../identify/run.js';
import type { Report } from '../identify/model.js';
import { projectOf, readRun } from '../run-state.js';

const FILES_LABEL = 'com.docker.compose.project.config_files';
const DIR_LABEL = 'com.docker.compose.project.working_dir';

export interface RoleOf {
  role: string | null;
  pattern: string | null;
}
export type Roles = (project: string, labels: Record<string, string>) => Promise<(service: string) => RoleOf>;

const UNKNOWN: RoleOf = { role: null, pattern: null };
/** How long a project whose roles could not be read waits before it is read again. */
const RETRY_MS = 30_000;

/** The project's Compose configuration, resolved by Compose: from its run.json, else from its labels. */
async function resolved(project: string, labels: Record<string, string>): Promise<unknown> {
  let p: Project;
  try {
    p = projectOf(readRun(project));
  } catch {
    const files = (labels[FILES_LABEL] ?? '').split(',').filter(Boolean);
    if (!files.length) throw new Error('no compose files recorded');
    p = new Project({ project, cwd: labels[DIR_LABEL] || '/', files, env: {} });
  }
  return p.config();
}

function byService(report: Report): Map<string, RoleOf> {
  const m = new Map<string, RoleOf>();
  for (const g of report.groups) for (const c of g.containers) m.set(c.name, { role: c.role ?? c.pattern, pattern: c.pattern });
  return m;
}

async function read(project: string, labels: Record<string, string>, read: typeof identify): Promise<Map<string, RoleOf>> {
  const dir = mkdtempSync(join(tmpdir(), 'sl-lab-roles-'));
  try {
    const file = join(dir, 'compose.resolved.json');
    writeFileSync(file, JSON.stringify(await resolved(project, labels)));
    const found = byService(read([file], dir));
    if (found.size) return found;
  } catch {
    // not resolvable by Compose: the files as they are, below
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const files = (labels[FILES_LABEL] ?? '').split(',').filter(Boolean);
  return files.length ? byService(read(files, labels[DIR_LABEL] || '/')) : new Map();
}

export function rolesFromIdentify(reader: typeof identify = identify): Roles {
  const cache = new Map<string, { at: number; roles: Promise<Map<string, RoleOf>> }>();
  return async (project, labels) => {
    const key = `${project}\n${labels[FILES_LABEL] ?? ''}`;
    let known = cache.get(key);
    if (!known) {
      known = { at: Date.now(), roles: read(project, labels, reader).catch(() => new Map<string, RoleOf>()) };
      cache.set(key, known);
    }
    const roles = await known.roles;
    if (!roles.size && Date.now() - known.at > RETRY_MS) cache.delete(key);
    return (service) => roles.get(service) ?? UNKNOWN;
  };
}

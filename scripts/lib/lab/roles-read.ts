// Reads each service's role of one project: identify's reading of the project as Compose resolves it
// (`docker compose config`, as verify reads a user's file: scripts/lib/verify/groups.ts), so that variables
// the runner set (a stack's CERT_DIR) are in place. A runner's project is found through its run.json
// (.state/); another through the files Compose records in its labels. Where neither can be resolved, identify
// reads the files as they are. The lab runs this in a child process (roles-child.ts), so that Compose's and
// identify's modules never weigh on the lab server's memory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '../compose.js';
import { identify } from '../identify/run.js';
import type { Report } from '../identify/model.js';
import { projectOf, readRun } from '../run-state.js';
import { DIR_LABEL, FILES_LABEL, type RoleOf } from './roles.js';

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

/** The roles of one project's services; throws when neither Compose nor identify can read it. */
export async function readRoles(
  project: string,
  labels: Record<string, string>,
  read: typeof identify = identify,
): Promise<Map<string, RoleOf>> {
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

// The groups verify checks: identify's reading of the file as Compose resolved it, kept where a group has
// a sidecar, with who owns the namespaces, who is the app and who are its helpers.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { identify } from '../identify/run.js';
import type { Finding, Role } from '../identify/model.js';
import { type ComposeConfig, joinsOf } from './plan.js';

const HELPER = new Set(['sidecar', 'native-sidecar', 'ambassador', 'adapter']);
/** Roles that put themselves in front of the app's port. */
export const FRONTS = new Set<Role>(['tls-proxy', 'mesh-proxy', 'auth-proxy']);

export interface PodGroup {
  name: string;
  members: string[];
  /** The service whose namespaces the others join (the pause container, in a pod). */
  owner?: string;
  apps: string[];
  sidecars: string[];
  roles: Record<string, Role | undefined>;
}

export interface Reading {
  groups: PodGroup[];
  findings: Finding[];
}

/** Identify over Compose's resolution of the user's file (written beside the run's other files). */
export function readGroups(config: ComposeConfig, state: string): Reading {
  const path = join(state, 'verify.resolved.json');
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`);
  const report = identify([path], state);
  const groups: PodGroup[] = [];
  for (const g of report.groups) {
    const sidecars = g.containers.filter((c) => HELPER.has(c.pattern)).map((c) => c.name);
    if (!sidecars.length) continue;
    const members = g.containers.map((c) => c.name);
    const joined = members.flatMap((m) => (config.services[m] ? joinsOf(config.services[m]) : []));
    groups.push({
      name: g.name,
      members,
      owner: members.find((m) => joined.includes(m)),
      apps: g.containers.filter((c) => c.pattern === 'app').map((c) => c.name),
      sidecars,
      roles: Object.fromEntries(g.containers.map((c) => [c.name, c.role])),
    });
  }
  return { groups, findings: report.findings };
}

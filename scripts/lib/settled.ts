// Whether a project stands as `up` leaves it, read from the engine in one call: then a check that must see the
// stack as it is can skip `up --wait`, which on a settled project still walks every container and re-runs
// nothing (10-30 s of a run on this 2-core machine, mesh's the longest).
import { $ } from 'zx';
import type { Project } from './compose.js';

interface Service {
  depends_on?: Record<string, { condition?: string }>;
}

/** A container as `docker ps` describes it: its service, state (running, exited, …) and status text. */
export interface Row {
  service: string;
  state: string;
  status: string;
}

/** Why up would change something (undefined: nothing). Every service of the config has one container: a one-shot
 * (a service another waits on with service_completed_successfully) has exited 0, every other runs and is not
 * unhealthy or still starting; and no container belongs to a service the config no longer has. */
export function unsettled(services: Record<string, Service>, rows: Row[]): string | undefined {
  const oneShots = new Set(
    Object.values(services).flatMap((s) =>
      Object.entries(s.depends_on ?? {})
        .filter(([, d]) => d.condition === 'service_completed_successfully')
        .map(([name]) => name),
    ),
  );
  const orphan = rows.find((r) => !(r.service in services));
  if (orphan) return `${orphan.service} is not a service of the files`;
  for (const name of Object.keys(services)) {
    const mine = rows.filter((r) => r.service === name);
    if (mine.length !== 1) return `${name} has ${mine.length} containers`;
    const { state, status } = mine[0]!;
    if (oneShots.has(name)) {
      if (!/^Exited \(0\)/.test(status)) return `${name} (a one-shot) is ${status}`;
    } else if (state !== 'running' || /\((unhealthy|health: starting)\)/.test(status)) return `${name} is ${status}`;
  }
  return undefined;
}

/** unsettled() of a running project, from the services of its config and `docker ps`. */
export async function whyUnsettled(p: Project, services: Record<string, Service>): Promise<string | undefined> {
  const f = '{{.Label "com.docker.compose.service"}}\t{{.State}}\t{{.Status}}';
  const out = (await $`docker ps --all --filter ${`label=com.docker.compose.project=${p.name}`} --format ${f}`.quiet()).stdout;
  const rows = out
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const [service = '', state = '', status = ''] = l.split('\t');
      return { service, state, status };
    });
  return unsettled(services, rows);
}

// What verify's checks get: the running project as Compose runs it, the groups to check, the event
// timeline, and a place to put findings (warnings: they never fail the run).
import type { Project } from '../compose.js';
import type { DockerEvent } from '../docker.js';
import type { PodGroup } from './groups.js';
import type { ComposeConfig } from './plan.js';
import type { Probe } from './probe.js';

export interface VerifyContext {
  project: Project;
  config: ComposeConfig;
  groups: PodGroup[];
  /** A service's container id (asked once: a restart keeps it). */
  id(service: string): Promise<string>;
  events(): DockerEvent[];
  /** A finding: shown as a warning, in the text report and in JUnit. */
  warn(text: string): void;
  /** The probe on the pod's network, started on first use and removed with the run. */
  probe(network: string): Promise<Probe>;
  /** Removes the probe (before a down: it holds an endpoint on the project's network). */
  release(): Promise<void>;
}

/** Each app of a group with each of its sidecars: the pairs the ordering checks look at. */
export const pairs = (groups: PodGroup[]) =>
  groups.flatMap((g) => g.apps.flatMap((app) => g.sidecars.map((sidecar) => ({ g, app, sidecar }))));

/** Whether the file makes app wait for sidecar (depends_on), and with which condition. */
export const dependency = (ctx: VerifyContext, app: string, sidecar: string) => ctx.config.services[app]?.depends_on?.[sidecar]?.condition;

/** Container ids by service, each asked of Compose once. */
export function idsOf(project: Project): (service: string) => Promise<string> {
  const known = new Map<string, Promise<string>>();
  return (service) => {
    let id = known.get(service);
    if (!id) known.set(service, (id = project.id(service)));
    return id;
  };
}

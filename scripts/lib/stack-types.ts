// The shapes a stack and the runner agree on: what a scenario provides, what its checks get, and
// what `up` prints. No runtime dependencies, so the runner's modules share it without importing each other.
import type { Check } from './check.js';
import type { Project } from './compose.js';
import type { DockerEvent } from './docker.js';

export interface StackContext {
  stack: string;
  dir: string;
  /** This run's own directory (certificates and other generated files live here). */
  state: string;
  project: Project;
  env: Record<string, string>;
  /** When `up` began (ms since epoch): the start of this run's event timeline. For a run that `up` left (the
   * check verb), when the run was created (run.json's `created`), a little before its `up`. */
  upAt: number;
  /** The project's container events (create, start, kill, die, stop, health_status) since before `up`; for a
   * run that `up` left, only those since the check verb began (a check that needs more is marked needs: 'start'). */
  events(): DockerEvent[];
  /** Set by the check verb: the run is one that `up` left, and stays as the checks find it (nothing re-ups it). */
  standing?: boolean;
  /** Brings up another compose file of this stack as its own project, torn down with the run.
   * `where` points it at another directory's files (e.g. another stack with an attach override) and adds env. */
  sideProject(file: string | string[], label: string, where?: { dir?: string; env?: Record<string, string> }): Promise<Project>;
  /** Takes down every side project now (they would otherwise go with the run), leaving the stack's own. */
  endSideProjects(): Promise<void>;
}

export interface Description {
  urls: Record<string, string>;
  files?: Record<string, string>;
  hints?: string[];
}

export interface Scenario {
  title: string;
  /** Catalogue images the checks use besides the stack's own (e.g. toolbox for probes). */
  tools?: string[];
  files?: string[];
  /** Before `up`: make what the stack mounts; returns extra compose environment. */
  prepare?(state: string): Promise<Record<string, string>>;
  /** After `up`: what a person (or --json) needs to use the running stack. */
  describe(ctx: StackContext): Promise<Description>;
  checks: Check<StackContext>[];
  /** The checks every run appends (the lab's, verify's) that are heavy for this stack (its own checks carry their
   * weight themselves): by name. `test --room` skips them (room.ts). */
  heavy?: string[];
  /** What each service of compose.yaml is, as the lesson teaches it: 'pattern' or 'pattern/role' (the verdicts
   * `npm run identify` must give; test/unit/identify-stacks.test.ts compares them, and the k8s output's). */
  identify?: Record<string, string>;
  /** Why this stack must have the machine to itself in `npm test` (it never runs beside another part that
   * needs the engine); unset: it may run beside one other. */
  alone?: string;
}

/** What one minute of a soak did: requests (or lines) sent through the stack, how many failed, and rotations done. */
export interface MinuteCounts {
  requests: number;
  failed: number;
  rotations: number;
}

/** A long run of a stack (npm run soak): steady load while it rotates what it rotates, one minute at a time. */
export interface Soak {
  /** The compose services whose sidecar processes are sampled: resident memory, open descriptors, error lines. */
  sidecars: string[];
  /** The load and the rotations, in one line for the report. */
  load: string;
  /** One minute of load, with the minute's rotation; resolves with its counts when the minute is over. */
  minute(ctx: StackContext, i: number): Promise<MinuteCounts>;
  /** After the last minute: what the stack's receiver lacks of what was sent (lines), when it can tell. */
  finish?(ctx: StackContext): Promise<{ lost: number; duplicated: number }>;
}

/** Merges descriptions: later urls and files win on a name clash, hints add up. */
export function mergeDescriptions(parts: Description[]): Description {
  return {
    urls: Object.assign({}, ...parts.map((d) => d.urls)),
    files: Object.assign({}, ...parts.map((d) => d.files ?? {})),
    hints: parts.flatMap((d) => d.hints ?? []),
  };
}

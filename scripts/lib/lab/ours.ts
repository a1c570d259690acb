// Which Compose projects the lab shows and acts on. The stack runner names its projects
// sl-<stack>-<6 hex digits> (scripts/lib/lifecycle.ts) and their side projects sl-<stack>-<hex>-<label>;
// verify names its sl-verify-<6 hex digits> (scripts/lib/verify/run.ts), the same shape. Projects named
// with --project are ours too. Anything else is never shown, and an action on it is refused with 403.

const RUNNER = /^sl-[a-z0-9]+-[0-9a-f]{6}(?:-[a-z0-9][a-z0-9_-]*)?$/;
/** What Compose accepts as a project name. */
export const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export const PROJECT_LABEL = 'com.docker.compose.project';
export const SERVICE_LABEL = 'com.docker.compose.service';

export function oursBy(extra: readonly string[]): (project: string | undefined) => boolean {
  const named = new Set(extra);
  return (project) => project !== undefined && (RUNNER.test(project) || named.has(project));
}

/** The stack a runner project belongs to (sl-https-1a2b3c and its side projects → https), or the project's own name. */
export function stackOf(project: string): string {
  return /^sl-([a-z0-9]+)-[0-9a-f]{6}(?:-|$)/.exec(project)?.[1] ?? project;
}

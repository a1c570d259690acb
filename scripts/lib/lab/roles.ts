// Each service's role, as identify reads the project (roles-read.ts), in a child process of its own
// (roles-child.ts): Compose's and identify's modules stay out of the lab server, which must stay small.
// Read once per project; where it cannot be read the roles are unknown (null), never a failed page, and
// it is read again after RETRY_MS.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const FILES_LABEL = 'com.docker.compose.project.config_files';
export const DIR_LABEL = 'com.docker.compose.project.working_dir';

export interface RoleOf {
  role: string | null;
  pattern: string | null;
}
export type Roles = (project: string, labels: Record<string, string>) => Promise<(service: string) => RoleOf>;
/** How the roles of one project are read. */
export type RoleReader = (project: string, labels: Record<string, string>) => Promise<Map<string, RoleOf>>;

const UNKNOWN: RoleOf = { role: null, pattern: null };
/** How long a project whose roles could not be read waits before it is read again. */
const RETRY_MS = 30_000;
const CHILD = fileURLToPath(new URL('./roles-child.js', import.meta.url));

/** Reads a project's roles in a child process (`node roles-child.js`), within 60 s. */
export const inChild: RoleReader = (project, labels) =>
  new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CHILD, JSON.stringify({ project, labels })],
      { timeout: 60_000, maxBuffer: 8 << 20, encoding: 'utf8' },
      (err, stdout) => {
        if (err) return reject(err);
        try {
          resolve(new Map(JSON.parse(stdout) as [string, RoleOf][]));
        } catch (e) {
          reject(e);
        }
      },
    );
  });

export function rolesFromIdentify(read: RoleReader = inChild): Roles {
  const cache = new Map<string, { at: number; roles: Promise<Map<string, RoleOf>> }>();
  return async (project, labels) => {
    const key = `${project}\n${labels[FILES_LABEL] ?? ''}`;
    let known = cache.get(key);
    if (!known) {
      known = { at: Date.now(), roles: read(project, labels).catch(() => new Map<string, RoleOf>()) };
      cache.set(key, known);
    }
    const roles = await known.roles;
    if (!roles.size && Date.now() - known.at > RETRY_MS) cache.delete(key);
    return (service) => roles.get(service) ?? UNKNOWN;
  };
}

/** The roles as far as they are known within waitMs: a project whose roles are still being read (a child process
 * running `docker compose config`, seconds on a busy machine) is shown now with its roles unknown, and `late` is
 * called once they are in, so that the picture is read again with them. Only the first read waits: the reads after it,
 * while the roles are still coming, show them unknown at once, and `late` is called once. */
export function rolesWithin(roles: Roles, waitMs: number, late: () => void): Roles {
  const awaited = new Set<string>();
  return async (project, labels) => {
    const read = roles(project, labels);
    const key = `${project}\n${labels[FILES_LABEL] ?? ''}`;
    if (awaited.has(key)) return () => UNKNOWN; // known to be slow: only the first read waits for them
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wait = new Promise<undefined>((r) => {
      timer = setTimeout(() => r(undefined), waitMs);
    });
    const known = await Promise.race([read, wait]);
    clearTimeout(timer);
    if (known) return known;
    awaited.add(key);
    const done = () => {
      awaited.delete(key);
      late();
    };
    void read.then(done, done);
    return () => UNKNOWN;
  };
}

// A container's namespaces as the host's /proc shows them: the inode behind /proc/<pid>/ns/<kind>.
// Two processes share a namespace exactly when these inodes are equal.
import { readlinkSync } from 'node:fs';
import { join } from 'node:path';

export interface Namespace {
  /** The inode (net:[4026532281] → "4026532281"), or null when it could not be read. */
  inode: string | null;
  /** What the container's configuration asks for: "service:pod" (the pod's), "host", or "own". */
  declared: string;
  /** Why inode is null: "not running", or the error reading it. */
  unreadable?: string;
}

export function readNamespace(pid: number, kind: 'net' | 'pid', declared: string, procRoot = '/proc'): Namespace {
  if (!pid) return { inode: null, declared, unreadable: 'not running' };
  try {
    const link = readlinkSync(join(procRoot, String(pid), 'ns', kind));
    const inode = /\[(\d+)\]$/.exec(link)?.[1];
    return inode ? { inode, declared } : { inode: null, declared, unreadable: `unexpected link ${JSON.stringify(link.slice(0, 60))}` };
  } catch (e) {
    return { inode: null, declared, unreadable: (e as NodeJS.ErrnoException).code ?? String(e) };
  }
}

/** Docker's NetworkMode/PidMode in Compose's terms, given the service of each container id: service:<name>
 * (another container's), host, none, or own (a namespace of its own, on the named network if any). */
export function declaredMode(mode: string | undefined, serviceOfId: (id: string) => string | undefined): string {
  if (!mode || mode === 'default' || mode === 'private') return 'own';
  if (mode.startsWith('container:')) {
    const id = mode.slice('container:'.length);
    return `service:${serviceOfId(id) ?? id.slice(0, 12)}`;
  }
  if (mode === 'host' || mode === 'none') return mode;
  return `own (network ${mode})`;
}

// Asking an attached topz for its pod's processes (sidecars/topz/README.md, GET /api/processes, topz/v1).
// Where: topz's port published on the pod, when it is (it works wherever the engine runs); else the pod's
// address on its Compose network (a Linux host reaches it). A topz that serves only the pod loopback (its
// default) cannot be reached from the host. Its token: TOPZ_TOKEN from the container's env, or the file
// TOPZ_TOKEN_FILE names, read on the host through the mount that holds it. One deadline covers the whole
// call, and the answer is capped in size; anything unexpected is a reason to fall back, never a throw.
import { readFileSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { paramValue } from './declared.js';
import type { Inspect } from './engine.js';
import type { LabProcess, PodProcesses } from './processes.js';
import { getText, hostBase } from './reach.js';

export const TOPZ_PREFIX_LABEL = 'io.sidecar-lab.env-prefix';
const MAX_ANSWER = 8 * 1024 * 1024;
const MAX_TOKEN = 4096;

/** True for a container of the topz image (its labels declare the TOPZ_ parameters). */
export const isTopz = (c: Inspect) => c.Config.Labels?.[TOPZ_PREFIX_LABEL] === 'TOPZ_';

const envOf = (c: Inspect, name: string) =>
  (c.Config.Env ?? [])
    .filter((e) => e.startsWith(`${name}=`))
    .at(-1)
    ?.slice(name.length + 1);

/** The URL of topz's process list and the token it needs, or why the lab cannot use it. */
export function topzAddress(topz: Inspect, owner: Inspect): { url: string; token?: string } | { why: string } {
  const port = Number(paramValue(topz, 'listen-port')?.value ?? 9700);
  const address = paramValue(topz, 'listen-address')?.value ?? '127.0.0.1';
  if (/^(127\.|localhost$|::1$)/.test(address))
    return { why: `topz serves only the pod loopback (listen address ${address}), which the lab cannot reach from the host` };
  const base = hostBase(owner, port);
  if (!base) return { why: `topz's port ${port} is neither published nor on a network the lab can reach` };
  const url = `${base}/api/processes`;
  const token = envOf(topz, 'TOPZ_TOKEN');
  if (token) return { url, token };
  const file = envOf(topz, 'TOPZ_TOKEN_FILE');
  if (!file) return paramValue(topz, 'unsafe-no-auth')?.value === 'true' ? { url } : { why: 'topz has no token the lab can find' };
  const mount = (topz.Mounts ?? [])
    .filter((m) => file.startsWith(`${m.Destination.replace(/\/$/, '')}/`))
    .sort((a, b) => b.Destination.length - a.Destination.length)[0];
  if (!mount) return { why: `topz's token file ${file} is not on a mount the lab can read` };
  const onHost = posix.join(mount.Source, posix.relative(mount.Destination, file));
  try {
    // A token is short: anything else the mount holds is not read, nor sent anywhere.
    const st = statSync(onHost);
    if (!st.isFile() || st.size > MAX_TOKEN) return { why: `topz's token file is not a file of at most ${MAX_TOKEN} bytes` };
    return { url, token: readFileSync(onHost, 'utf8').replace(/\r?\n$/, '') };
  } catch (e) {
    return { why: `topz's token file cannot be read on the host (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
}

interface TopzProcess {
  pid: number;
  ppid: number;
  name: string;
  state: string;
  uid: number;
  rssBytes: number;
  cmdline?: string[];
}

/** topz's answer as the lab shows it: pids are the pod's (topz does not know the host's). */
export type TopzProcesses = PodProcesses & { cmdline: boolean };

/** GET the process list within `deadlineMs` (connect, head and body together). Rejects with a one-line reason. */
export async function askTopz(url: string, token: string | undefined, deadlineMs = 2000, max = 500): Promise<TopzProcesses> {
  const text = await getText(url, {
    who: 'topz',
    token,
    deadlineMs,
    max: MAX_ANSWER,
    why: (status) => (status === 401 ? ' (the token the lab read is not the one topz has)' : ''),
  });
  let a: { schema?: unknown; processes?: unknown; shown?: { cmdline?: unknown }; truncated?: unknown; skipped?: Record<string, unknown> };
  try {
    a = JSON.parse(text);
  } catch {
    throw new Error('topz answered something that is not JSON');
  }
  if (a?.schema !== 'topz/v1' || !Array.isArray(a.processes)) throw new Error('topz answered something that is not topz/v1');
  const all = (a.processes as TopzProcess[]).filter((p) => p && Number.isInteger(p.pid));
  const processes: LabProcess[] = all.slice(0, max).map((p) => ({
    pid: null,
    podPid: p.pid,
    ppid: Number(p.ppid) || 0,
    uid: Number(p.uid),
    state: String(p.state ?? '?'),
    name: String(p.name ?? '?'),
    args: Array.isArray(p.cmdline) ? p.cmdline.map(String) : [],
    rssBytes: Number(p.rssBytes) || 0,
  }));
  const skipped = Object.values(a.skipped ?? {}).reduce<number>((n, v) => n + (Number(v) || 0), 0);
  return { processes, skipped, truncated: a.truncated != null || all.length > max, cmdline: a.shown?.cmdline === true };
}

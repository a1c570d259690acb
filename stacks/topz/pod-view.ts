// The oracle's eyes: a pod's processes as a toolbox container that joins the pod's PID namespace reads them
// from its own /proc, never the runner's. So the checks see the same processes whether the runner shares the
// engine's kernel (Linux) or not (Docker Desktop on macOS and Windows, a remote engine). A process belongs to
// the container whose id its cgroup path names (`--cgroupns host`: the engine's full paths).
import { VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import { HZ, parseBootTime, parseStat, startDate } from '../../sidecars/lib/proc.js';

const TOOLBOX = `sidecar-lab/toolbox:${VERSION}`;

export interface PodProcess {
  service: string;
  /** PID in the pod's namespace (what topz lists). */
  pid: number;
  name: string;
  startTime: string;
  /** Stat field 22: with the PID, what tells a process from a later one that reuses its PID. */
  startTicks: number;
  rssBytes: number;
}

/** Prints "btime N", then one tab-separated line per process: P, its cgroup lines, its VmRSS in kB
 * (none for a zombie), its stat. */
const LOOK = `cd /proc || exit 3
grep '^btime ' stat
for d in [0-9]*; do
  s=$(cat "$d/stat" 2>/dev/null) || continue
  c=$(tr '\\n' ' ' <"$d/cgroup" 2>/dev/null) || continue
  r=$(sed -n 's/^VmRSS:[[:space:]]*\\([0-9]*\\) kB$/\\1/p' "$d/status" 2>/dev/null)
  printf 'P\\t%s\\t%s\\t%s\\n' "$c" "$r" "$s"
done`;

/** The processes of each container (service → id) in the output of LOOK; a container with none is an error. */
export function parseLook(text: string, containers: [service: string, id: string][]): PodProcess[] {
  const btime = parseBootTime(text);
  const out: PodProcess[] = [];
  for (const line of text.split('\n').filter((l) => l.startsWith('P\t'))) {
    const [, cgroup = '', rss = '', ...stat] = line.split('\t');
    const owner = containers.find(([, id]) => cgroup.includes(id));
    if (!owner) continue;
    const st = parseStat(stat.join('\t'));
    out.push({
      service: owner[0],
      pid: st.pid,
      name: st.comm,
      startTime: startDate(btime, st.startTicks).toISOString(),
      startTicks: st.startTicks,
      rssBytes: Number(rss) * 1024, // '' (0) for a zombie: it has no resident set
    });
  }
  const empty = containers.filter(([s]) => !out.some((p) => p.service === s)).map(([s, id]) => `${s} (${id.slice(0, 12)})`);
  if (empty.length) throw new Error(`no process of ${empty.join(', ')} in the PID namespace of ${containers[0]![0]}`);
  return out;
}

/** Runs a script in a toolbox that joins the PID namespace of container `id`, with no network and no capabilities. */
async function inNamespaceOf(id: string, script: string): Promise<string> {
  const r = await docker.runOnce([
    '--pid',
    `container:${id}`,
    '--cgroupns',
    'host',
    '--network',
    'none',
    '--read-only',
    '--cap-drop',
    'ALL',
    TOOLBOX,
    'sh',
    '-c',
    script,
  ]);
  if (r.code !== 0) throw new Error(`toolbox in the PID namespace of ${id.slice(0, 12)} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** The processes of containers that share one PID namespace (a pod's members), in one look. */
export async function processesIn(containers: [service: string, id: string][]): Promise<PodProcess[]> {
  return parseLook(await inNamespaceOf(containers[0]![1], LOOK), containers);
}

/** CPU % of one process over one second of the engine's clock (/proc/uptime), measured in its PID namespace. */
export async function cpuPercent(id: string, p: Pick<PodProcess, 'pid' | 'startTicks'>): Promise<number> {
  const out = await inNamespaceOf(id, `s() { cut -d' ' -f1 /proc/uptime; cat /proc/${p.pid}/stat; }; s; sleep 1; s`);
  const [up0, stat0, up1, stat1] = out.trim().split('\n');
  const [a, b] = [parseStat(stat0!), parseStat(stat1!)];
  if (a.startTicks !== p.startTicks || b.startTicks !== p.startTicks) throw new Error(`process ${p.pid} ended while measured`);
  return ((b.cpuTicks - a.cpuTicks) / HZ / (Number(up1) - Number(up0))) * 100;
}

/** Whether a process is gone from its PID namespace (reaped: no /proc entry, or its PID now another process's),
 * watched for up to `seconds`. */
export async function goneWithin(id: string, p: Pick<PodProcess, 'pid' | 'startTicks'>, seconds: number): Promise<boolean> {
  // /proc/uptime in hundredths of a second: the engine's clock, as the process's own start ticks are.
  const watch = `now() { tr -d . </proc/uptime | cut -d' ' -f1; }
end=$(($(now) + ${seconds * 100}))
while [ "$(now)" -le "$end" ]; do
  s=$(cat /proc/${p.pid}/stat 2>/dev/null) || { echo gone; exit 0; }
  set -- \${s##*)}; [ "\${20}" = ${p.startTicks} ] || { echo gone; exit 0; }
  sleep 0.02
done
echo there`;
  return (await inNamespaceOf(id, watch)).trim() === 'gone';
}

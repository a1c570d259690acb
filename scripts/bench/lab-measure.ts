// What bench:lab measures of the lab: a page load in Chromium, the server's read, its memory and CPU from
// /proc, and the machine's busy share.
import { readdirSync, readFileSync } from 'node:fs';
import { $, sleep } from 'zx';
import type { ConsoleMessage } from 'playwright-core';
import type { Browser } from '../lib/browser.js';
import type { SpawnedLab } from '../lib/lab/spawn.js';

export const LOADS = 5;
export const IDLE_S = 20;
const TICK = 100; // clock ticks per second (getconf CLK_TCK on Linux)

export const status = (pid: number, key: string) =>
  Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

const cpuTicks = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime, stime: fields 14 and 15
};

/** Resolves once the lab has no read of the pods under way: a page load can leave one started beside the picture
 * it served (picture.ts), which is the load's work, not idle time. A fresh read waits for it, then makes its own. */
export async function settled(lab: SpawnedLab): Promise<void> {
  await (await fetch(`http://127.0.0.1:${lab.port}/api/stacks?fresh=1`, authorized(lab))).arrayBuffer();
}

export interface Idle {
  /** % of one core. */
  cpu: number;
  /** What the live stream told every viewer over the window, pings aside: each message by its type, an event by
   * its action (`event health_status`). Each one has every viewer read the pods again. */
  told: Record<string, number>;
}

/** The lab's CPU over a window in which nothing is asked of it, as % of one core, and what its live stream carried
 * meanwhile (read on a stream of the bench's own, opened before the window). */
export async function idleCpu(lab: SpawnedLab): Promise<Idle> {
  const pid = lab.child.pid!;
  const told: Record<string, number> = {};
  const stop = new AbortController();
  const res = await fetch(`http://127.0.0.1:${lab.port}/api/events`, { ...authorized(lab), signal: stop.signal });
  // The stream opens with `hello` and the engine's state as the hub hands it to each new subscriber: the window
  // begins after them.
  let opened: () => void = () => undefined;
  const open = new Promise<void>((r) => (opened = r));
  let first = true;
  const counting = (async () => {
    let rest = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      rest += Buffer.from(chunk).toString();
      const lines = rest.split('\n');
      rest = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        const m = JSON.parse(line) as { type: string; event?: { action: string } };
        if (m.type === 'ping' || m.type === 'hello') continue;
        if (first && m.type === 'engine') {
          first = false;
          opened();
          continue;
        }
        const kind = m.event ? `${m.type} ${m.event.action}` : m.type;
        told[kind] = (told[kind] ?? 0) + 1;
      }
    }
  })().catch(() => undefined); // ended by the abort below
  // A stream that ends (or sends what is not JSON) before the engine's state opens the window too, counting nothing.
  await Promise.race([open, counting]);
  const [t0, c0] = [performance.now(), cpuTicks(pid)];
  await sleep(IDLE_S * 1000); // a measuring window, not a wait for an event
  const cpu = (((cpuTicks(pid) - c0) / TICK) * 100) / ((performance.now() - t0) / 1000);
  stop.abort();
  await counting;
  return { cpu, told };
}

/** `3 event health_status, 1 stacks`, or `nothing`. */
export const toldText = (told: Record<string, number>) =>
  Object.entries(told)
    .sort()
    .map(([k, n]) => `${n} ${k}`)
    .join(', ') || 'nothing';

/** The CPU of the containers of these compose projects (their cgroups: what their processes and health checks
 * ran), and of dockerd and containerd, over the window, in % of one core. NaN where this host cannot tell. */
export async function stacksCpu(projects: string[], seconds: number): Promise<{ containers: number; count: number; engine: number }> {
  const ids = (
    await Promise.all(projects.map((p) => $`docker ps -q --no-trunc --filter label=com.docker.compose.project=${p}`.quiet()))
  ).flatMap((r) => r.stdout.split('\n').filter(Boolean));
  const usage = (id: string) => {
    for (const [file, scale] of [
      [`/sys/fs/cgroup/cpuacct/docker/${id}/cpuacct.usage`, 1e-9], // cgroup v1, ns
      [`/sys/fs/cgroup/system.slice/docker-${id}.scope/cpu.stat`, 1e-6], // cgroup v2, usage_usec
    ] as const) {
      try {
        const text = readFileSync(file, 'utf8');
        return Number(/usage_usec (\d+)/.exec(text)?.[1] ?? text.trim()) * scale;
      } catch {
        /* the other layout */
      }
    }
    return Number.NaN;
  };
  const engines = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return ['dockerd', 'containerd'].includes(readFileSync(`/proc/${d}/comm`, 'utf8').trim());
      } catch {
        return false; // it ended while the list was read
      }
    })
    .map(Number);
  const engineTicks = () => engines.reduce((n, pid) => n + cpuTicks(pid), 0);
  const [c0, e0, t0] = [ids.map(usage), engineTicks(), performance.now()];
  await sleep(seconds * 1000); // a measuring window, not a wait for an event
  const [c1, e1, wall] = [ids.map(usage), engineTicks(), (performance.now() - t0) / 1000];
  return {
    containers: (100 * c1.reduce((n, u, i) => n + (u - c0[i]!), 0)) / wall,
    count: ids.length,
    engine: (((e1 - e0) / TICK) * 100) / wall,
  };
}

export interface Load {
  drawn: number;
  /** When the page was drawn and its main thread free: the end of the last long task (over 50 ms) that began
   * before the drawing, or the drawing itself. A click is answered from then on. */
  interactive: number;
  api: number;
}

const DRAWN = 'bench:lab drawn ';

/** Records, from before the page's own script: its long tasks (a PerformanceObserver), and at the first frame after
 * each change of the DOM, the pods drawn by project, which it also writes to the console. The page is watched from
 * inside, so that the bench adds no work to its main thread while it loads (Playwright's waitForFunction would
 * compile Playwright's own script into every page it polls: half a second of its main thread on a loaded machine). */
export const watchLongTasks = (b: Browser) =>
  b.page.addInitScript((drawn) => {
    const w = window as unknown as { longTasks: { start: number; end: number }[] };
    w.longTasks = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) w.longTasks.push({ start: e.startTime, end: e.startTime + e.duration });
    }).observe({ type: 'longtask', buffered: true });
    let frame = false;
    let last = '';
    new MutationObserver(() => {
      if (frame) return;
      frame = true;
      requestAnimationFrame(() => {
        frame = false;
        const pods: Record<string, number> = {};
        for (const a of document.querySelectorAll<HTMLElement>('article.pod')) {
          const project = a.dataset.key?.split('/')[0] ?? '';
          pods[project] = (pods[project] ?? 0) + 1;
        }
        const text = JSON.stringify(pods);
        if (text !== last) console.debug(`${drawn}${performance.now()} ${text}`);
        last = text;
      });
    }).observe(document, { childList: true, subtree: true });
  }, DRAWN);

/** Opens the page and waits for every pod: ms from navigation start to the drawing (the first frame with every pod
 * of ours), to the main thread free after it, and the page's own wait for GET /api/stacks (Resource Timing), as
 * the page measures them. */
export async function load(b: Browser, url: string, ours: Ours): Promise<Load> {
  await b.page.goto('about:blank');
  let seen: (at: number) => void = () => undefined;
  const drawnAt = new Promise<number>((resolve) => (seen = resolve));
  const onConsole = (m: ConsoleMessage) => {
    if (!m.text().startsWith(DRAWN)) return;
    const [at, pods] = m.text().slice(DRAWN.length).split(' ') as [string, string];
    const counts = JSON.parse(pods) as Record<string, number>;
    if (ours.projects.reduce((n, p) => n + (counts[p] ?? 0), 0) >= ours.pods) seen(Number(at));
  };
  b.page.on('console', onConsole);
  let timer: NodeJS.Timeout | undefined;
  // The page asks for the pods once its live stream is open (what changed since its HTML was made): a load ends
  // with that answer, so that an idle window after it holds no work of the load's.
  const asked = b.page.waitForResponse((r) => new URL(r.url()).pathname === '/api/stacks', { timeout: 30_000 });
  asked.catch(() => undefined);
  try {
    await b.page.goto(url);
    const drawn = await Promise.race([
      drawnAt,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`the page drew fewer than ${ours.pods} pods of ours within 30 s`)), 30_000);
      }),
    ]);
    // Long tasks are reported when they end: a task running at the drawing is seen within the next frames.
    await b.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const measured = await b.page.evaluate((at) => {
      const tasks = (window as unknown as { longTasks: { start: number; end: number }[] }).longTasks;
      return {
        drawn: at,
        interactive: Math.max(at, ...tasks.filter((t) => t.start < at).map((t) => t.end)),
        // A read asked for before the drawing; none when the page carried the pods (0 ms waited).
        api: performance.getEntriesByType('resource').find((e) => e.name.endsWith('/api/stacks') && e.startTime < at)?.duration ?? 0,
      };
    }, drawn);
    await asked;
    return measured;
  } finally {
    clearTimeout(timer);
    b.page.off('console', onConsole);
  }
}

const authorized = (lab: SpawnedLab) => ({ headers: { authorization: `Bearer ${lab.token}` } });

/** The bench's own projects and their pods: the lab also shows other engineers' stacks, which come and go. */
export interface Ours {
  projects: string[];
  pods: number;
}

/** Our pods, once the lab knows the roles of each of our projects: a fresh lab reads the roles in the background, and the
 * picture is read again when they come in, which is start-up work, not what a phase measures. */
export async function ourPods(lab: SpawnedLab, projects: string[]): Promise<Ours> {
  type Stacks = { stacks: { project: string; pods: { containers: { role: string | null }[] }[] }[] };
  const deadline = Date.now() + 60_000;
  for (;;) {
    const mine = ((await (await fetch(`http://127.0.0.1:${lab.port}/api/stacks`, authorized(lab))).json()) as Stacks).stacks.filter((s) =>
      projects.includes(s.project),
    );
    // A project's roles come in all at once; a service that is in no pod (a stack's git server) has none.
    const known = mine.every((s) => s.pods.some((p) => p.containers.some((c) => c.role !== null)));
    if (known || Date.now() > deadline) return { projects, pods: mine.reduce((n, s) => n + s.pods.length, 0) };
    await sleep(200); // polling the lab's picture for the roles' arrival
  }
}

/** The server's read of every pod, as the first viewer after an event gets it (its kept read expired), 5 times. */
export async function serverReads(lab: SpawnedLab): Promise<number[]> {
  const reads: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const t0 = performance.now();
    await (await fetch(`http://127.0.0.1:${lab.port}/api/stacks?fresh=1`, authorized(lab))).text();
    reads.push(performance.now() - t0);
  }
  return reads;
}

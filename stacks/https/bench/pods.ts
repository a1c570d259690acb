// bench:https-pods: what a machine pays for ten pods (issue 28). Ten pods of the app with tls-proxy (http mode)
// in front, ten with the floor of an L7 sidecar on Bun in front (scripts/bench/floor/pipe.mjs --rewrite, in the
// tls-proxy image), and ten with nginx terminating TLS in front, all up at once. Every sidecar is
// given the same HTTPS load, then each one's proportional memory (PSS) is read on the host from /proc: pages that
// processes share (one image's runtime and libraries) count as a share each, so the total is what the machine pays.
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ContainerCgroup } from '../../../scripts/bench/cgroup.js';
import type { Section } from '../../../scripts/bench/section.js';
import { percentile } from '../../../scripts/bench/stats.js';
import { ROOT } from '../../../scripts/lib/config.js';

export const PODS_SECTION: Section = {
  id: 'https-pods',
  title: 'what a machine pays for ten pods',
  source: 'stacks/https/bench-pods.ts',
  intro:
    "Run it with `npm run bench:https-pods` (as root: it reads each container's /proc/<pid>/smaps_rollup). Ten pods with tls-proxy, ten with a bare Bun as the floor, and ten with nginx, side by side in one run.",
};

/** The kinds of pod: the sidecar in front of the app, the port it serves HTTPS on, and its command. */
export const KINDS = {
  ours: { label: 'tls-proxy --mode http', port: 8444 },
  floor: { label: 'floor: bare Bun adding X-Forwarded-* to each request head', port: 8450 },
  nginx: { label: 'nginx (TLS 1.3, proxy_pass with keep-alive)', port: 8445 },
} as const;
export type Kind = keyof typeof KINDS;

const TLS_DIR = '${CERT_DIR:?set CERT_DIR}:/etc/tls:ro';
/** Each kind's sidecar container. */
const SIDECAR: Record<Kind, object> = {
  ours: {
    image: 'sidecar-lab/tls-proxy:${SIDECAR_LAB_VERSION:-dev}',
    command: ['--mode', 'http', '--listen-port', '8444', '--upstream-port', '8081', '--min-tls-version', '1.3'],
    volumes: [TLS_DIR],
  },
  // Its Bun is the same build from another file (the one the images are built from, mounted), so that the floor
  // and tls-proxy do not share the runtime's pages: each kind's PSS is what it would be without the other.
  floor: {
    image: 'sidecar-lab/tls-proxy:${SIDECAR_LAB_VERSION:-dev}',
    entrypoint: [
      '/opt/floor-bun/bun',
      '/etc/floor-pipe/pipe.mjs',
      '--listen',
      '8450',
      '--address',
      '0.0.0.0',
      '--cert',
      '/etc/tls',
      '--to',
      '127.0.0.1:8081',
      '--rewrite',
    ],
    command: [],
    volumes: [
      TLS_DIR,
      `${join(ROOT, 'scripts', 'bench', 'floor')}:/etc/floor-pipe:ro`,
      '${FLOOR_BUN_DIR:?set FLOOR_BUN_DIR}:/opt/floor-bun:ro',
    ],
  },
  nginx: { image: 'sidecar-lab/bench-nginx:${SIDECAR_LAB_VERSION:-dev}', tmpfs: ['/tmp'], volumes: [TLS_DIR] },
};

/** Compose's view of n pods of each kind: pod-<kind>-<i> (pause, the HTTPS port published), app-<kind>-<i>, and <kind>-<i>. */
export function podsCompose(n: number): string {
  const hardened = { file: join(ROOT, 'compose', 'hardened.yaml'), service: 'hardened' };
  const services: Record<string, object> = {};
  for (const kind of Object.keys(KINDS) as Kind[]) {
    for (let i = 1; i <= n; i++) {
      const pod = `pod-${kind}-${i}`;
      const member = {
        extends: hardened,
        network_mode: `service:${pod}`,
        pid: `service:${pod}`,
        // The reading is the memory at rest: no probe runs a process in a container.
        healthcheck: { disable: true },
        depends_on: { [pod]: { condition: 'service_started' } },
      };
      services[pod] = {
        extends: { file: join(ROOT, 'compose', 'pod.yaml'), service: 'pod' },
        healthcheck: { disable: true },
        ports: [`127.0.0.1::${KINDS[kind].port}`],
      };
      // The app is of neither kind (legacy-greeter, Python): an nginx app would share its pages with the nginx sidecars.
      services[`app-${kind}-${i}`] = {
        ...member,
        image: 'sidecar-lab/legacy-greeter:${SIDECAR_LAB_VERSION:-dev}',
        environment: { PORT: '8081' },
      };
      services[`${kind}-${i}`] = { ...member, ...SIDECAR[kind] };
    }
  }
  return stringify({ services });
}

/** One sidecar's memory, as read. */
export interface Reading {
  kind: Kind;
  pss: number;
  pssAnon: number;
  pssFile: number;
  rss: number;
}

export function readSidecar(kind: Kind, hostPid: number): Reading {
  return { kind, ...ContainerCgroup.of(hostPid).pss() };
}

export interface PodsSummary {
  kind: Kind;
  count: number;
  /** Totals over the kind's sidecars, in MB. */
  pssMB: number;
  pssAnonMB: number;
  pssFileMB: number;
  rssMB: number;
  /** One sidecar's PSS, the median, in MB. */
  medianPssMB: number;
}

const mb = (bytes: number) => Math.round((bytes / 1e6) * 10) / 10;

export function summarizePods(readings: Reading[]): PodsSummary[] {
  return (Object.keys(KINDS) as Kind[]).map((kind) => {
    const of = readings.filter((r) => r.kind === kind);
    const sum = (f: (r: Reading) => number) => mb(of.reduce((n, r) => n + f(r), 0));
    return {
      kind,
      count: of.length,
      pssMB: sum((r) => r.pss),
      pssAnonMB: sum((r) => r.pssAnon),
      pssFileMB: sum((r) => r.pssFile),
      rssMB: sum((r) => r.rss),
      medianPssMB: of.length
        ? mb(
            percentile(
              of.map((r) => r.pss),
              50,
            ),
          )
        : Number.NaN,
    };
  });
}

/** The goal: the total PSS of the tls-proxy sidecars at most 1.5× that of as many nginx. */
export const PSS_GOAL = 1.5;

export function podsMarkdown(rows: PodsSummary[]): string[] {
  const of = (kind: Kind) => rows.find((r) => r.kind === kind && r.count > 0);
  const [ours, floor, nginx] = [of('ours'), of('floor'), of('nginx')];
  const ratio = ours && nginx && nginx.pssMB > 0 ? ours.pssMB / nginx.pssMB : Number.NaN;
  const verdict = Number.isFinite(ratio) ? (ratio <= PSS_GOAL ? 'met' : '**not met**') : 'n/a';
  const x = (f: (r: PodsSummary) => number) => {
    const [a, fl, b] = [ours, floor, nginx].map((r) => (r ? f(r) : Number.NaN)) as [number, number, number];
    const over = (v: number) => (b > 0 && Number.isFinite(v) ? `${(v / b).toFixed(2)}×` : 'n/a');
    return `${a.toFixed(1)} | ${fl.toFixed(1)} | ${b.toFixed(1)} | ${over(a)} | ${over(fl)}`;
  };
  return [
    '| goal | measured | |',
    '| --- | --- | --- |',
    `| total PSS of ${ours?.count ?? 0} tls-proxy sidecars ≤ ${PSS_GOAL}× that of ${nginx?.count ?? 0} nginx | ${Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : 'n/a'} | ${verdict} |`,
    '',
    `| MB, over every sidecar of a kind | ${KINDS.ours.label} | ${KINDS.floor.label} | ${KINDS.nginx.label} | tls-proxy / nginx | floor / nginx |`,
    '| --- | --- | --- | --- | --- | --- |',
    `| PSS, total | ${x((r) => r.pssMB)} |`,
    `| PSS of anonymous pages | ${x((r) => r.pssAnonMB)} |`,
    `| PSS of file pages (the runtime, libraries) | ${x((r) => r.pssFileMB)} |`,
    `| RSS, total (shared pages counted in each) | ${x((r) => r.rssMB)} |`,
    `| PSS of one sidecar, median | ${x((r) => r.medianPssMB)} |`,
  ];
}

// The synthetic tree bench:identify reads: 1,000 Compose files and Kubernetes streams of 2–20 services or
// containers each, in the shapes identify meets (pause pods, VPN-owned namespaces, app-owned namespaces,
// injected meshes, native sidecars, exporters, standalone services, a .env per Compose folder).
// Deterministic: a seeded generator, so every run reads the same tree.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const HELPERS = [
  'fluent/fluent-bit:3',
  'registry.k8s.io/git-sync/git-sync:v4',
  'quay.io/oauth2-proxy/oauth2-proxy:v7',
  'oliver006/redis_exporter:v1',
  'jimmidyson/configmap-reload:v0.9',
];

function compose(n: number, r: () => number): string {
  const lines = ['services:'];
  let i = 0;
  while (i < n) {
    const shape = Math.floor(r() * 4);
    const p = `s${i}`;
    if (shape === 0 && n - i >= 3) {
      lines.push(`  ${p}-pod:\n    image: k8s.gcr.io/pause:3.9\n    ports: ["127.0.0.1:\${PORT_${i}:-8080}:8080"]`);
      lines.push(
        `  ${p}-proxy:\n    image: ${HELPERS[i % HELPERS.length]}\n    network_mode: service:${p}-pod\n    environment: { UPSTREAM: "http://127.0.0.1:8080" }`,
      );
      lines.push(
        `  ${p}-app:\n    image: example/app-${i}:\${TAG:-latest}\n    network_mode: service:${p}-pod\n    environment: { PORT: "8080" }\n    depends_on: { ${p}-proxy: { condition: service_healthy } }`,
      );
      i += 3;
    } else if (shape === 1 && n - i >= 2) {
      lines.push(`  ${p}-vpn:\n    image: qmcgaw/gluetun\n    cap_add: [NET_ADMIN]\n    devices: [/dev/net/tun]`);
      lines.push(`  ${p}-client:\n    image: example/client-${i}\n    network_mode: "service:${p}-vpn"\n    volumes: ["/data:/data"]`);
      i += 2;
    } else {
      lines.push(
        `  ${p}:\n    image: example/svc-${i}\n    volumes: ["./data/${p}:/var/lib/${p}"]\n    environment: ["A=1", "B=\${B:-\${C:-x}}"]`,
      );
      i += 1;
    }
  }
  return `${lines.join('\n')}\n`;
}

function kubernetes(n: number, r: () => number): string {
  const docs: string[] = [];
  let i = 0;
  while (i < n) {
    const size = Math.min(n - i, 1 + Math.floor(r() * 3));
    const containers = Array.from({ length: size }, (_, k) =>
      k === 0
        ? `        - name: app-${i}\n          image: example/app-${i}\n          ports: [{ containerPort: 8080 }]`
        : `        - name: helper-${i + k}\n          image: ${HELPERS[(i + k) % HELPERS.length]}\n          args: ["--upstream=http://127.0.0.1:8080/"]`,
    );
    const init =
      r() < 0.3
        ? `      initContainers:\n        - name: init-${i}\n          image: busybox\n          command: [sh, -c, "echo ready"]\n`
        : '';
    docs.push(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: d${i} }\nspec:\n  template:\n    spec:\n${init}      containers:\n${containers.join('\n')}\n`,
    );
    docs.push(`apiVersion: v1\nkind: Service\nmetadata: { name: d${i} }\nspec: { ports: [{ port: 80 }] }\n`);
    i += size;
  }
  return docs.join('---\n');
}

/** Writes `files` files of 2–20 services each under dir; returns how many services or containers they hold. */
export function writeTree(dir: string, files: number, seed = 23): number {
  const r = rng(seed);
  let services = 0;
  for (let f = 0; f < files; f++) {
    const n = 2 + Math.floor(r() * 19);
    services += n;
    const sub = join(dir, `repo-${Math.floor(f / 10)}`, `p${f}`);
    mkdirSync(sub, { recursive: true });
    if (f % 5 < 3) {
      writeFileSync(join(sub, 'compose.yaml'), compose(n, r));
      writeFileSync(join(sub, '.env'), `TAG=1.${f}\n`);
    } else writeFileSync(join(sub, 'deploy.yaml'), kubernetes(n, r));
  }
  return services;
}

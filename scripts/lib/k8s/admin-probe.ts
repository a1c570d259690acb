// Our sidecars' images probe themselves with `bun /opt/sidecar/health.mjs [--ready]`: one GET of /healthz (or
// /readyz) on the sidecar's admin port. In Kubernetes that is an httpGet probe of the same path and port, which
// the kubelet makes itself: an exec probe would start a Bun in the container at every period (up to 26 MB each).
// The kubelet dials the pod's IP, so this holds only while the admin server binds every address (0.0.0.0 or ::,
// its default); a sidecar whose admin port is bound elsewhere, or set in a way read only at run time, keeps the
// exec probe, which asks 127.0.0.1 from inside the pod.
import type { HTTPGetAction } from 'kubernetes-types/core/v1.js';
import type { Service } from '../compose-file/model.js';

const PROBE = ['bun', '/opt/sidecar/health.mjs'];
const EVERY_ADDRESS = new Set(['0.0.0.0', '::', '[::]']);

/** The value of --<flag> in a command (`--flag v` or `--flag=v`, the last wins); null when absent. */
function flag(command: string[], name: string): string | null {
  let v: string | null = null;
  command.forEach((arg, i) => {
    if (arg === `--${name}`) v = command[i + 1] ?? '';
    else if (arg.startsWith(`--${name}=`)) v = arg.slice(name.length + 3);
  });
  return v;
}

/**
 * The httpGet that stands for a healthcheck test, or undefined to keep it an exec probe. imageEnv: the image's
 * ENV lines, where a sidecar's table puts <PREFIX>_ADMIN_PORT and <PREFIX>_ADMIN_ADDRESS.
 */
export function adminHttpGet(test: string[], s: Service, imageEnv: Record<string, string>): HTTPGetAction | undefined {
  const [kind, ...argv] = test;
  const ready = argv.length === PROBE.length + 1 && argv[PROBE.length] === '--ready';
  if (kind !== 'CMD' || !PROBE.every((a, i) => argv[i] === a) || (argv.length !== PROBE.length && !ready)) return undefined;
  const prefixes = Object.keys(imageEnv)
    .map((k) => /^([A-Z][A-Z0-9_]*)_ADMIN_PORT$/.exec(k)?.[1])
    .filter((p): p is string => p !== undefined);
  if (prefixes.length !== 1) return undefined;
  const env = (k: string) => s.environment?.[`${prefixes[0]}_${k}`] ?? imageEnv[`${prefixes[0]}_${k}`];
  const command = s.command ?? [];
  const port = flag(command, 'admin-port') ?? env('ADMIN_PORT');
  const address = flag(command, 'admin-address') ?? env('ADMIN_ADDRESS');
  if (!port || !/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) return undefined;
  if (!address || !EVERY_ADDRESS.has(address)) return undefined;
  return { path: ready ? '/readyz' : '/healthz', port: Number(port) };
}

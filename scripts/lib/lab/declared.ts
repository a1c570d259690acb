// What a sidecar-lab image declares about its parameters, and the value a container runs with. Each of our
// images carries a label per parameter, generated from its parameter table (scripts/lib/sidecar-docs.ts):
// io.sidecar-lab.param.upstream-port: "TLS_PROXY_UPSTREAM_PORT: port 1-65535; default 8080". A parameter's
// value is its --flag in the command (flags win, as sidecars/lib/parse.ts reads them), else its env var
// (inspect's Config.Env: the image's and the service's), else the label's default.
import type { Inspect } from './engine.js';

const PARAM = 'io.sidecar-lab.param.';

export interface Value {
  value: string;
  /** Where it came from, for the page: "--upstream-port", "TLS_PROXY_UPSTREAM_PORT", "default". */
  from: string;
}

/** True when the container's image declares its parameters (one of ours). */
export const declaresParams = (c: Inspect) => Object.keys(c.Config.Labels ?? {}).some((k) => k.startsWith(PARAM));

const unquote = (s: string) => (/^".*"$/.test(s) ? (JSON.parse(s) as string) : s);

/** The value `flag` (kebab-case, as in --help) has in this container, or undefined when the image declares no such parameter. */
export function paramValue(c: Inspect, flag: string): Value | undefined {
  const label = c.Config.Labels?.[PARAM + flag];
  if (label === undefined) return undefined;
  const cmd = c.Config.Cmd ?? [];
  for (let i = cmd.length - 1; i >= 0; i--) {
    const w = cmd[i]!;
    if (w.startsWith(`--${flag}=`)) return { value: w.slice(flag.length + 3), from: `--${flag}` };
    if (w === `--${flag}` && i + 1 < cmd.length) return { value: cmd[i + 1]!, from: `--${flag}` };
  }
  const env = /^([A-Z0-9_]+)[:\s]/.exec(label)?.[1];
  if (env) {
    const set = (c.Config.Env ?? []).filter((e) => e.startsWith(`${env}=`)).at(-1);
    if (set !== undefined) return { value: set.slice(env.length + 1), from: env };
  }
  const def = /; default (.*)$/.exec(label)?.[1];
  return def === undefined ? undefined : { value: unquote(def), from: 'default' };
}

/** Where a sidecar forwards what it takes on its listening port: the parameters our images name them by. */
const FORWARDS: { listen: string; port: string; host?: string }[] = [
  { listen: 'listen-port', port: 'upstream-port', host: 'upstream-host' }, // tls-proxy
  { listen: 'inbound-port', port: 'app-port' }, // mesh-proxy: always the pod loopback
];

export interface Forward {
  host: string;
  port: number;
  /** The parameters it was read from, e.g. "TLS_PROXY_UPSTREAM_PORT=8080, upstream-host 127.0.0.1 (default)". */
  from: string;
}

/** Where this container forwards what reaches it on `port`, from its declared parameters; undefined when it
 * declares no forwarding, or `port` is not the one it forwards from (its admin port). */
export function forwardOf(c: Inspect, port: number): Forward | undefined {
  for (const f of FORWARDS) {
    const to = paramValue(c, f.port);
    if (!to || Number(paramValue(c, f.listen)?.value) !== port) continue;
    const host = f.host ? paramValue(c, f.host) : undefined;
    const said = (flag: string, v: Value | undefined) =>
      v && (v.from === 'default' ? `${flag} ${v.value} (default)` : `${v.from}=${v.value}`);
    const from = [said(f.port, to), f.host && said(f.host, host)].filter(Boolean);
    return { host: host?.value ?? '127.0.0.1', port: Number(to.value), from: from.join(', ') };
  }
  return undefined;
}

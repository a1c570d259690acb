// What a member's command, args and environment say about its neighbours: the ports it listens on, the
// ports it calls on localhost, a remote host it forwards to, files it follows, processes it signals.
import type { Member, Role } from './model.js';

const LOCAL = /(?:localhost|127\.0\.0\.1|\[::1\])(?::(\d+|<[\w-]+>|\$\{?\w+\}?))?/gi;
const LISTEN_KEY = /port|listen|addr|address|bind/i;
const NOT_OWN_KEY =
  /upstream|target|backend|remote|url|webhook|reload|server|connect|dest|forward|app[-_.]?port|placement|source|db|database|redis|mysql|postgres|sql|store|proxy/i;
const LOCAL_HOST = /^(?:|0\.0\.0\.0|\*|localhost|127\.0\.0\.1|\[::\]|\[::1\]|::|\$\(\w+\)|\[\$\(\w+\)\]|\$\{?\w+\}?)$/i;

export interface Target {
  port?: string;
  text: string;
}

/** key=value pairs from flags (`--k=v`, `--k v`, `-k v`) and the environment. */
function pairs(m: Member): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < m.argv.length; i++) {
    const w = m.argv[i]!;
    const eq = /^--?([\w.-]+)=(.*)$/s.exec(w);
    if (eq) out.push([eq[1]!, eq[2]!]);
    else if (/^--?[a-z][\w.-]*$/i.test(w) && i + 1 < m.argv.length && !m.argv[i + 1]!.startsWith('-'))
      out.push([w.replace(/^-+/, ''), m.argv[i + 1]!]);
  }
  for (const [k, v] of Object.entries(m.env)) out.push([k, v]);
  return out;
}

const portOf = (value: string): string | undefined => {
  const v = value.trim();
  if (/^(\d+|<[\w-]+>)$/.test(v)) return v;
  const m = /^(.*):(\d+|<[\w-]+>)$/.exec(v);
  return m && LOCAL_HOST.test(m[1]!) ? m[2] : undefined;
};

/** The ports a member listens on: declared ones, listen flags and variables, socat-style listeners. */
export function listenPorts(m: Member): Set<string> {
  const out = new Set(m.ports);
  for (const [k, v] of pairs(m)) {
    if (!LISTEN_KEY.test(k) || NOT_OWN_KEY.test(k)) continue;
    const p = portOf(v);
    if (p) out.add(p);
  }
  for (const w of m.argv) for (const x of w.matchAll(/\b(?:tcp|udp)[46]?-listen:(\d+)/gi)) out.add(x[1]!);
  return out;
}

/** The localhost ports a member calls (URLs and host:port outside listen keys, and upstream-port settings). */
export function localTargets(m: Member): Target[] {
  const out: Target[] = [];
  for (const [k, v] of pairs(m)) {
    if (/upstream/i.test(k) && /port/i.test(k) && /^\d+$/.test(v.trim())) out.push({ port: v.trim(), text: `${k}=${v}` });
    if (LISTEN_KEY.test(k) && !NOT_OWN_KEY.test(k)) continue;
    for (const x of v.matchAll(LOCAL))
      out.push({ port: x[1] ?? (/^https?:/.test(v) ? (v.startsWith('https') ? '443' : '80') : undefined), text: `${k}=${v}` });
  }
  // command words that are not flags (a script, a URL argument)
  for (const w of m.argv) {
    if (/^--?[\w.-]+=/.test(w)) continue;
    for (const x of w.matchAll(LOCAL)) out.push({ port: x[1], text: w.length > 80 ? `${w.slice(0, 77)}...` : w });
  }
  return out;
}

/** A remote host:port it forwards to (an ambassador's destination), if any. */
export function remoteTarget(m: Member): { host: string; port: string } | undefined {
  for (const w of [...m.argv, ...Object.values(m.env)]) {
    const x = /(?:^|[\s,=/:])([a-z0-9][\w-]*(?:\.[\w-]+)+):(\d{2,5})\b/i.exec(w);
    if (x && !/^(127\.|0\.0\.0\.0|localhost)/.test(x[1]!) && !/^\d+\.\d+\.\d+\.\d+$/.test(x[1]!)) return { host: x[1]!, port: x[2]! };
  }
  return undefined;
}

const DB_PORTS = new Set(['5432', '3306', '6379', '27017', '9042', '1433', '11211', '1521', '26257']);

/** The role a forwarder plays from where it forwards to. */
export const forwardRole = (port: string | undefined): Role => (port && DB_PORTS.has(port) ? 'db-proxy' : 'other');

/** Files under `dir` it follows (tail -f / -F), as a log shipper does. */
export function followsFiles(m: Member): string[] {
  const text = m.argv.join(' ');
  return [...text.matchAll(/\btail\b([^;|&\n]*)/g)]
    .filter((t) => /\s-[a-zA-Z]*[fF]/.test(t[1]!))
    .flatMap((t) => [...t[1]!.matchAll(/(\/[\w./-]+)/g)].map((x) => x[1]!));
}

/** It signals or inspects other processes (kill, pkill, pgrep, ps, /proc). */
export const inspectsProcesses = (m: Member) =>
  /\b(pkill|pgrep|killall|kill\s+-\w+|ps\s+-?\w*e|\/proc\/\d|\/proc\/\*)/.test(m.argv.join(' '));

/** A target URL that reads another member's status or metrics page (an adapter's source). */
export const readsStatus = (t: Target) => /\/(status|stats|server-status|nginx_status|stub_status|metrics|info)\b/i.test(t.text);

/** Secrets passed as a flag: --password=…, --token …, -api-key=… with a literal value. */
export function secretFlags(m: Member): string[] {
  const out: string[] = [];
  const SECRET = /^--?[\w.-]*(password|passwd|secret|token|api[-_]?key|access[-_]?key|private[-_]?key|credentials?)$/i;
  for (let i = 0; i < m.argv.length; i++) {
    const w = m.argv[i]!;
    const eq = /^(--?[\w.-]+)=(.+)$/s.exec(w);
    const [flag, value] = eq ? [eq[1]!, eq[2]!] : SECRET.test(w) && i + 1 < m.argv.length ? [w, m.argv[i + 1]!] : ['', ''];
    if (!flag || !SECRET.test(flag) || /file|path|dir|env|ref|name|secret-name/i.test(flag)) continue;
    if ((value.startsWith('/') && !value.startsWith('/__run__/')) || value.startsWith('-')) continue;
    out.push(flag);
  }
  return out;
}

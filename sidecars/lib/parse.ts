// Turns argv + environment into typed values, from the parameter table alone.
// Precedence: flag > PREFIX_ env var > default. Every failure is one ConfigError line that
// names the parameter (flag and env var) and the rule it broke.
import { envName, flagName, readSecretFile, RuleError, type Table, type Values } from './params.js';

export interface Spec<T extends Table> {
  /** Image and program name, e.g. tls-proxy. */
  name: string;
  /** Env var prefix without the trailing underscore, e.g. TLS_PROXY. */
  prefix: string;
  /** One sentence: what the sidecar adds to the app it sits beside. */
  summary: string;
  params: T;
  /** A process title taken before anything else, for a sidecar that must be told apart from other node processes. */
  processTitle?: string;
  /** What the image's HEALTHCHECK asks: alive (/healthz, the default), or ready (/readyz), for a sidecar
   * whose app must not start before it is ready. */
  health?: 'alive' | 'ready';
  /** Variables the image sets for the runtime (Bun and its JavaScriptCore), outside the sidecar's prefix. */
  runtime?: RuntimeSettings;
}

/** Runtime settings an image sets beside its parameters, and one sentence on why (its README prints it). */
export interface RuntimeSettings {
  env: Readonly<Record<string, string>>;
  why: string;
}

export class ConfigError extends Error {}

/** A value that parsed but failed later (a port in use, an address that does not resolve): names its parameter. */
export class ParamError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/** Escapes control characters (newlines included), so one value can never make a second, spoofed line. */
export function escapeControls(text: string): string {
  return text.replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The one line a sidecar prints when bad input stops it. */
export function errorLine<T extends Table>(spec: Spec<T>, e: ConfigError | ParamError): string {
  return `${spec.name}: ${paramMessage(spec, e)}\n`;
}

/** What bad input says, naming its parameter (invalid --file (CONFIG_SYNC_FILE): ...): at start, or in a log line at run time. */
export function paramMessage<T extends Table>(spec: Spec<T>, e: ConfigError | ParamError): string {
  return escapeControls(e instanceof ParamError && spec.params[e.key] ? `invalid ${label(spec, e.key)}: ${e.message}` : e.message);
}

/** How errors name a parameter: flag and env var, or for a secret (which has no flag) its two env vars. */
function label<T extends Table>(spec: Spec<T>, key: string): string {
  const env = envName(spec.prefix, key);
  return spec.params[key]!.kind === 'secret' ? `${env} (or ${env}_FILE)` : `--${flagName(key)} (${env})`;
}

function convert<T extends Table>(spec: Spec<T>, key: string, raw: string): unknown {
  try {
    return spec.params[key]!.parse(raw);
  } catch (e) {
    if (e instanceof RuleError) throw new ConfigError(`invalid ${label(spec, key)}: ${e.message}`);
    throw e;
  }
}

export function parse<T extends Table>(spec: Spec<T>, argv: readonly string[], env: NodeJS.ProcessEnv): Values<T> {
  const byFlag = new Map(Object.keys(spec.params).map((k) => [flagName(k), k]));
  const byEnv = new Map<string, { key: string; file: boolean }>();
  for (const key of Object.keys(spec.params)) {
    byEnv.set(envName(spec.prefix, key), { key, file: false });
    if (spec.params[key]!.kind === 'secret') byEnv.set(`${envName(spec.prefix, key)}_FILE`, { key, file: true });
  }

  const raw = new Map<string, string>();
  const fromFlag = new Set<string>();
  // Environment first, so flags override it.
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(`${spec.prefix}_`) || value === undefined) continue;
    const hit = byEnv.get(name);
    if (!hit) throw new ConfigError(`unknown environment variable: ${name} is not a parameter of ${spec.name} (see --help)`);
    if (hit.file) {
      if (env[envName(spec.prefix, hit.key)] !== undefined) {
        throw new ConfigError(`conflicting ${label(spec, hit.key)}: set ${name} or ${envName(spec.prefix, hit.key)}, not both`);
      }
      try {
        raw.set(hit.key, readSecretFile(value));
      } catch (e) {
        throw new ConfigError(`invalid ${name}: ${(e as Error).message}`);
      }
    } else {
      raw.set(hit.key, value);
    }
  }

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument: ${JSON.stringify(arg)} (parameters are --flags; see --help)`);
    const eq = arg.indexOf('=');
    let name = arg.slice(2, eq < 0 ? undefined : eq);
    let value: string | undefined = eq < 0 ? undefined : arg.slice(eq + 1);
    let key = byFlag.get(name);
    if (!key && name.startsWith('no-') && value === undefined) {
      const positive = byFlag.get(name.slice(3));
      if (positive && spec.params[positive]!.kind === 'bool') {
        key = positive;
        value = 'false';
        name = name.slice(3);
      }
    }
    if (!key) throw new ConfigError(`unknown flag: --${name} (see --help)`);
    const param = spec.params[key]!;
    if (param.kind === 'secret') {
      throw new ConfigError(
        `--${name} is a secret and cannot be a flag: set ${envName(spec.prefix, key)} or ${envName(spec.prefix, key)}_FILE`,
      );
    }
    if (value === undefined) {
      if (param.kind === 'bool') value = 'true';
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) value = argv[++i]!;
      else throw new ConfigError(`flag needs a value: --${name} (${param.rule})`);
    }
    raw.set(key, value);
    fromFlag.add(key);
  }

  // Flags are checked first, then env vars, then defaults, so an error names what the user wrote
  // (an image's ENV lines make every default an env var too).
  const out: Record<string, unknown> = {};
  for (const [key, text] of [...raw].sort(([a], [b]) => Number(fromFlag.has(b)) - Number(fromFlag.has(a))))
    out[key] = convert(spec, key, text);
  for (const [key, param] of Object.entries(spec.params)) {
    if (raw.has(key)) continue;
    if (param.default !== undefined)
      out[key] = param.kind === 'file' || param.kind === 'dir' ? convert(spec, key, String(param.default)) : param.default;
    else if (param.required) {
      const how =
        param.kind === 'secret'
          ? `${envName(spec.prefix, key)} or ${envName(spec.prefix, key)}_FILE`
          : `--${flagName(key)} or ${envName(spec.prefix, key)}`;
      throw new ConfigError(`required parameter: ${how} must be specified`);
    } else out[key] = undefined;
  }
  distinctListeners(spec, out);
  return out as Values<T>;
}

/** Two listening ports of one sidecar cannot be the same port. */
function distinctListeners<T extends Table>(spec: Spec<T>, values: Record<string, unknown>): void {
  const seen = new Map<unknown, string>();
  for (const [key, param] of Object.entries(spec.params)) {
    if (!param.listens || values[key] === undefined) continue;
    const other = seen.get(values[key]);
    if (other)
      throw new ConfigError(
        `conflicting ${label(spec, other)} and ${label(spec, key)}: both are ${String(values[key])}; each listener needs its own port`,
      );
    seen.set(values[key], key);
  }
}

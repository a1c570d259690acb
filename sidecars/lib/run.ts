// The harness every sidecar's main.ts calls: --help, `healthcheck`, parameter parsing with
// one-line errors, the admin server, JSON logs, SIGHUP reload and SIGTERM drain with a timeout.
import { writeFileSync } from 'node:fs';
import { type AdminServer, startAdmin, type Readiness } from './admin.js';
import { healthcheck } from './health.js';
import { helpText } from './help.js';
import { createLogger, type Level, type Logger } from './log.js';
import { type Gauge, Registry } from './metrics.js';
import { duration, oneOf, port, string, type Table, type Values } from './params.js';
import { ConfigError, errorLine, escapeControls, ParamError, parse, type Spec } from './parse.js';

/** Parameters every sidecar has; spread into each table so they are documented with it. */
export function commonParams(adminPort: number) {
  return {
    adminPort: port({
      default: adminPort,
      listens: true,
      description: 'Port of the admin server (/healthz, /readyz, /metrics). The image HEALTHCHECK reads it from the env var.',
    }),
    adminAddress: string({ default: '0.0.0.0', description: 'Address the admin server binds.' }),
    logLevel: oneOf(['debug', 'info', 'warn', 'error'] as const, {
      default: 'info',
      description: 'Least severe level logged (JSON lines on stdout).',
    }),
    drainTimeout: duration({
      default: '10s',
      max: '10m',
      description: 'On SIGTERM, how long open work may finish before the sidecar exits anyway.',
    }),
  };
}
type Common = ReturnType<typeof commonParams>;

/** A sidecar's spec: its own parameter table, then the common parameters with `adminPort` as the admin port's default. */
export function defineSpec<T extends Table>({
  adminPort,
  params,
  ...about
}: Omit<Spec<T>, 'params'> & { adminPort: number; params: T }): Spec<T & Common> {
  return { ...about, params: { ...params, ...commonParams(adminPort) } };
}

/** Metrics every sidecar has besides the process_ ones of the registry; listed in each README's metrics table. */
export function commonMetrics(metrics: Registry) {
  return {
    buildInfo: metrics.gauge('build_info', 'Always 1; labels carry the version.', { labels: ['version'] }),
    ready: metrics.gauge('ready', '1 when /readyz answers 200.'),
  };
}

/**
 * /readyz's check and the hook for a check that missed its deadline. The ready gauge follows them: the check's
 * result (1 or 0) as it settles, and 0 when /readyz answered 503 in place of a check that hung.
 */
export function gaugedReadiness(ready: Gauge, check: () => Promise<Readiness>) {
  return {
    readiness: async (): Promise<Readiness> => {
      const r = await check();
      ready.set(r.ready ? 1 : 0);
      return r;
    },
    readinessLate: () => ready.set(0),
  };
}

export interface Context<T extends Table> {
  params: Values<T>;
  log: Logger;
  metrics: Registry;
}

export interface Running {
  /** What /readyz answers. */
  ready(): Readiness | Promise<Readiness>;
  /** SIGHUP: reload whatever can be reloaded, keeping the last good state on failure. */
  reload?(reason: string): Promise<unknown>;
  /** SIGTERM: stop taking work and resolve when open work is done. */
  drain(): Promise<void>;
}

export const VERSION = process.env.SIDECAR_LAB_VERSION ?? 'dev';

export interface Exit {
  code: number;
  stderr?: string;
  stdout?: string;
}

/** Handles the calls that end before the sidecar starts: --help, --version, healthcheck, bad input. */
export async function preflight<T extends Table & Common>(
  spec: Spec<T>,
  argv: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ exit: Exit } | { params: Values<T> }> {
  if (argv.includes('--help') || argv.includes('-h')) return { exit: { code: 0, stdout: helpText(spec) } };
  if (argv[0] === '--version') return { exit: { code: 0, stdout: `${spec.name} ${VERSION}\n` } };
  // `healthcheck [--ready]`: the admin port from its env var, as the HEALTHCHECK has no flags (health.ts).
  if (argv[0] === 'healthcheck') return { exit: { code: await healthcheck(spec, argv.slice(1), env) } };
  try {
    return { params: parse(spec, argv, env) };
  } catch (e) {
    if (e instanceof ConfigError) return { exit: { code: 2, stderr: errorLine(spec, e) } };
    throw e;
  }
}

/** Names the process. Node's process.title rewrites comm and argv; Bun's changes only the JS value, so
 * the command name that ps and topz show (and config-sync matches) is also written to /proc/self/comm. */
function setTitle(title: string) {
  process.title = title;
  if (process.platform !== 'linux') return;
  try {
    writeFileSync('/proc/self/comm', title.slice(0, 15));
  } catch {
    /* no writable /proc: the title stays the runtime's name */
  }
}

export async function runSidecar<T extends Table & Common>(
  spec: Spec<T>,
  start: (ctx: Context<T>) => Promise<Running>,
  argv = process.argv.slice(2),
  env = process.env,
): Promise<void> {
  if (spec.processTitle) setTitle(spec.processTitle);
  const pre = await preflight(spec, argv, env);
  if ('exit' in pre) {
    if (pre.exit.stdout) process.stdout.write(pre.exit.stdout);
    if (pre.exit.stderr) process.stderr.write(pre.exit.stderr);
    process.exit(pre.exit.code);
  }
  const { params } = pre;
  const log = createLogger(spec.name, params.logLevel as Level);
  const metrics = new Registry(spec.prefix.toLowerCase());
  const common = commonMetrics(metrics);
  common.buildInfo.set(1, { version: VERSION });

  let running: Running | undefined;
  let draining = false;
  let admin: AdminServer;
  try {
    running = await start({ params, log, metrics });
    admin = await startAdmin({
      port: params.adminPort as number,
      address: params.adminAddress as string,
      log,
      registry: metrics,
      ...gaugedReadiness(common.ready, async () => (draining ? { ready: false, reason: 'draining' } : await running!.ready())),
    });
  } catch (e) {
    // A ConfigError or ParamError thrown by start is bad input too (a combination of parameters, a port
    // in use, an address that does not resolve): exit 2 with one line that names the parameter.
    if (e instanceof ConfigError || e instanceof ParamError) {
      process.stderr.write(errorLine(spec, e));
      process.exit(2);
    }
    process.stderr.write(`${spec.name}: cannot start: ${escapeControls((e as Error).message)}\n`);
    process.exit(1);
  }
  log.info('started', { version: VERSION, params: redacted(spec, params) });

  process.on('SIGHUP', () => {
    if (running?.reload && !draining) void running.reload('SIGHUP');
  });
  const drain = async (signal: string) => {
    if (draining) {
      log.warn('second signal: exiting without waiting', { signal });
      process.exit(1);
    }
    draining = true;
    const t0 = Date.now();
    const limit = params.drainTimeout as number;
    log.info('draining', { signal, timeoutMs: limit });
    const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), limit).unref());
    const outcome = await Promise.race([running!.drain().then(() => 'done' as const), timer]);
    admin.close();
    if (outcome === 'timeout') {
      log.warn('drain timed out; exiting with work still open', { ms: Date.now() - t0 });
      process.exit(1);
    }
    log.info('drained', { ms: Date.now() - t0 });
    process.exit(0);
  };
  process.on('SIGTERM', () => void drain('SIGTERM'));
  process.on('SIGINT', () => void drain('SIGINT'));
}

/** Parameters as logged at start: secrets show only whether they are set. */
function redacted<T extends Table>(spec: Spec<T>, params: Values<T>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(params as Record<string, unknown>).map(([k, v]) => [
      k,
      spec.params[k]!.kind === 'secret' ? (v === undefined ? 'unset' : 'set') : v,
    ]),
  );
}

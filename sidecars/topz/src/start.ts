// Builds topz from its parameters: the safety rules on the listen address, the self-check, the periodic
// sampler, the HTTP server, the token reload on SIGHUP and the drain.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { listen } from '../../lib/listen.js';
import { ConfigError, ParamError } from '../../lib/parse.js';
import { isIP } from 'node:net';
import { readSecretFile, envName, type Values } from '../../lib/params.js';
import { Reloadable } from '../../lib/reloadable.js';
import type { Context, Running } from '../../lib/run.js';
import { Inspector } from './inspector.js';
import { registerMetrics } from './metrics.js';
import { spec, type params as table } from './params.js';
import { readText } from '../../lib/proc.js';
import { userNames } from './proc.js';
import { secretMatcher } from './redact.js';
import { privilege } from './selfcheck.js';
import { createTopzServer } from './server.js';

type P = Values<typeof table>;

export const isLoopback = (address: string) =>
  address === 'localhost' || address === '::1' || (isIP(address) === 4 && address.startsWith('127.'));

/** The one rule that spans two parameters: a non-loopback address needs a token, or an explicit --unsafe-no-auth. */
export function checkExposure(p: Pick<P, 'listenAddress' | 'token' | 'unsafeNoAuth'>): void {
  if (isLoopback(p.listenAddress) || p.token !== undefined || p.unsafeNoAuth) return;
  throw new ConfigError(
    `--listen-address ${p.listenAddress} is not loopback: set ${envName(spec.prefix, 'token')}_FILE, or pass --unsafe-no-auth`,
  );
}

/** A proc root has numbered process directories with a stat file; anything else is the wrong directory. */
export function checkProcShape(root: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(root);
  } catch {
    /* the dir parameter already said it exists; treat as empty */
  }
  const looksLikeProc = names.some((n) => /^\d+$/.test(n) && isFile(join(root, n, 'stat')));
  if (!looksLikeProc) throw new ParamError('procRoot', `${root} does not look like a proc file system (no <pid>/stat entries)`);
}
const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

const passwd = () => {
  try {
    return readFileSync('/etc/passwd', 'utf8');
  } catch {
    return '';
  }
};

export async function start({ params: p, log, metrics }: Context<typeof table>, env = process.env): Promise<Running & { port: number }> {
  checkExposure(p);
  checkProcShape(p.procRoot);
  const m = registerMetrics(metrics);

  const inspector = new Inspector({
    root: p.procRoot,
    maxProcesses: p.maxProcesses,
    timeoutMs: p.scanTimeout,
    cmdline: p.showCmdline,
    environ: p.showEnviron,
    isSecret: secretMatcher(p.redactWords.split(',')),
    historyLength: p.historyLength,
    selfPid: process.pid,
    user: userNames(passwd()),
    onExposure: (e) => {
      m.exposed.inc();
      log.warn(`SECURITY WARNING: topz can read another container's environment`, { pid: e.pid, name: e.name });
    },
  });
  const why = privilege(readText('/proc/self/status'));
  if (why) {
    inspector.warn(`SECURITY WARNING: ${why}`);
    log.warn(`SECURITY WARNING: ${why}`);
  }

  const take = (trigger: 'request' | 'sample') => {
    const s = inspector.snapshot({ record: trigger === 'sample' });
    m.scans.inc({ trigger });
    m.scanSeconds.observe(s.scanMs / 1000);
    for (const [reason, n] of Object.entries(s.skipped)) if (n) m.skipped.inc({ reason }, n);
    if (s.truncated) m.truncated.inc({ reason: s.truncated });
    return s;
  };
  const first = take('sample');
  log.info('self-check done', { processes: first.processes.length, warnings: first.warnings.length });
  const sampler = setInterval(() => {
    try {
      take('sample');
    } catch (e) {
      log.error('periodic scan failed', { err: e as Error });
    }
  }, p.sampleInterval);
  sampler.unref();

  // The token's file is re-read on SIGHUP; a missing, empty or too short file keeps the last good token.
  const tokenFile = env[`${envName(spec.prefix, 'token')}_FILE`];
  const token = tokenFile
    ? new Reloadable<string>(
        'token',
        () => {
          const value = readSecretFile(tokenFile);
          try {
            return spec.params.token.parse(value)!;
          } catch (e) {
            throw new Error(`${tokenFile} ${(e as Error).message}`);
          }
        },
        log,
        m.tokenReloads,
      )
    : undefined;
  if (token && !(await token.reload('start')).ok) throw new Error(`invalid ${envName(spec.prefix, 'token')}_FILE: ${token.lastError}`);

  const server = createTopzServer({
    token: () => (token ? token.value : p.token),
    snapshot: () => take('request'),
    refreshMs: p.pageRefresh,
    onResponse: (route, status) => m.requests.inc({ route, status: String(status) }),
    log,
  });
  await listen(server, p.listenPort, p.listenAddress, { port: 'listenPort', address: 'listenAddress' });
  log.info('listening', {
    address: p.listenAddress,
    port: p.listenPort,
    auth: p.token !== undefined ? 'bearer token' : 'none (loopback)',
    cmdline: p.showCmdline,
    environ: p.showEnviron,
  });

  return {
    port: p.listenPort,
    ready: () => ({ ready: true }),
    reload: async (reason) => token?.reload(reason),
    async drain() {
      clearInterval(sampler);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

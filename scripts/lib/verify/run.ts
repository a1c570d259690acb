// One verify run, through the lifecycle's parts: a unique project name (prefix sl-verify-), the file made
// safe to run beside everything else, `up --wait`, the checks, and a teardown that always runs (Ctrl-C
// too) unless --keep. Resolves with what the reporters need; never exits the process itself.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { type CheckResult, runChecks } from '../check.js';
import { diagnostics, Project } from '../compose.js';
import { ROOT } from '../config.js';
import { recordEvents } from '../events.js';
import { step } from '../progress.js';
import { loadScenario, stackNames } from '../scenarios.js';
import { teardownOnce } from '../teardown.js';
import type { Options } from './args.js';
import { appStopsFirst } from './checks-down.js';
import { onlyPublishedPorts } from './checks-net.js';
import { healthyFirst, sharedNamespaces, sidecarCrash } from './checks-pod.js';
import { idsOf, type VerifyContext } from './context.js';
import { readGroups } from './groups.js';
import { BadInput, plan, writeRunFile } from './plan.js';
import { type Probe, startProbe, stopProbe } from './probe.js';

/** Every verify run's Compose project is named with this prefix (docs/verify.md: finding what is left over). */
export const PROJECT_PREFIX = 'sl-verify-';

export interface Outcome {
  project: string;
  started: Date;
  results: CheckResult[];
  warnings: string[];
  changes: string[];
}

/** Given a file of one of our stacks (in a clone), the per-run inputs that stack's scenario prepares. */
async function stackInputs(file: string, state: string): Promise<Record<string, string>> {
  const rel = relative(join(ROOT, 'stacks'), realpathSync(file));
  const stack = rel.split(sep)[0]!;
  if (rel.startsWith('..') || !rel.includes(sep) || !stackNames().includes(stack)) return {};
  const sc = await loadScenario(stack);
  // Loaded only here: the image tooling needs the clone's build dependencies, which the package does not install.
  const { imageEnv } = await import('../images.js');
  return { ...(await imageEnv()), ...(await sc.prepare?.(state)) };
}

/** `log` gets messages (progress, changes, teardown); `report` gets the check lines as they run. */
export async function runVerify(o: Options, cwd: string, log: (line: string) => void, report: (line: string) => void): Promise<Outcome> {
  const name = `${PROJECT_PREFIX}${randomBytes(3).toString('hex')}`;
  const out: Outcome = { project: name, started: new Date(), results: [], warnings: [], changes: [] };
  const file = resolve(cwd, o.file);
  if (!existsSync(file)) throw new BadInput(`cannot read ${o.file}: no such file or directory`);
  const state = mkdtempSync(join(tmpdir(), `${name}-`));
  log(`verify: ${o.file} runs as compose project ${name} (every verify project starts with ${PROJECT_PREFIX})`);
  try {
    const env = { ...(await stackInputs(file, state)), ...o.set };
    const p = await plan(
      { file, project: name, env, envFile: o.envFile && resolve(cwd, o.envFile), services: o.services, allowPrivileged: o.allowPrivileged },
      log,
    );
    out.changes = p.changes;
    for (const c of p.changes) log(`verify: ${c}`);
    const { groups, findings } = readGroups(p.resolved, state);
    for (const f of findings.filter((x) => !x.container || p.services.includes(x.container)))
      out.warnings.push(`${f.rule}${f.container ? ` (${f.container})` : ''}: ${f.message}`);
    const project = new Project({ project: name, cwd: dirname(file), files: [writeRunFile(state, p.config)], env });
    const recorder = recordEvents(name);
    let probe: Probe | undefined;
    const finish = teardownOnce(
      o.keep
        ? async () => {
            log(`verify: --keep: ${name} is still up; remove it with: docker compose -p ${name} down --volumes`);
            await stopProbe(probe);
            await recorder.stop();
          }
        : () =>
            step(`tearing down ${name}`, async () => {
              await stopProbe(probe);
              await project.down();
              await recorder.stop();
            }),
      log,
    );
    try {
      try {
        await step(`up --wait ${name}`, () => project.up(180));
      } catch (e) {
        const name = 'the services come up healthy (up --wait)';
        report(`  ✘ ${name}\n      ${(e as Error).message.replace(/\n/g, '\n      ')}`);
        const detail = await diagnostics(project);
        report(detail);
        out.results.push({ name, ok: false, ms: 0, error: Object.assign(e as Error, { detail }) });
        return out;
      }
      if (!groups.length) {
        const error = new Error(`identify finds no app with a sidecar among ${p.services.join(', ')}: nothing to verify`);
        report(`  ✘ the file has a group with a sidecar\n      ${error.message}`);
        out.results.push({ name: 'the file has a group with a sidecar', ok: false, ms: 0, error });
        return out;
      }
      const ctx: VerifyContext = {
        project,
        config: p.config,
        groups,
        id: idsOf(project),
        events: () => recorder.events(),
        warn: (text) => out.warnings.push(text),
        probe: async (network) => (probe ??= await startProbe(network, name)),
        release: async () => {
          await stopProbe(probe);
          probe = undefined;
        },
      };
      const checks = [sharedNamespaces, healthyFirst, sidecarCrash, onlyPublishedPorts, appStopsFirst(o.keep)];
      out.results = await runChecks(checks, ctx, report);
      const failed = out.results.filter((r) => !r.ok);
      const detail = failed.length ? await diagnostics(project) : '';
      for (const r of failed) Object.assign(r.error!, { detail });
    } finally {
      await finish();
    }
    return out;
  } finally {
    rmSync(state, { recursive: true, force: true });
  }
}

// The one place that calls Docker Compose, through the docker-compose package. Its rejections are
// plain objects ({exitCode, out, err}); they become ComposeError, a real Error with a message.
import * as dc from 'docker-compose';
import { $ } from 'zx';
import { ROOT } from './config.js';
import { proxyBuildArgs } from './proxy.js';

export class ComposeError extends Error {
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly stderr: string,
    readonly stdout: string,
  ) {
    super(`docker compose ${command} failed (exit ${exitCode}): ${lastLines(stderr || stdout, 8)}`);
    this.name = 'ComposeError';
  }
}

/** Whether Docker has this image locally. */
export const imagePresent = async (image: string) => (await $`docker image inspect ${image}`.quiet().nothrow()).exitCode === 0;

const lastLines = (text: string, n: number) => text.trim().split('\n').slice(-n).join('\n');

/** Awaits a docker-compose call and turns its plain-object rejection into a ComposeError. */
export async function wrap<T>(command: string, call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (e) {
    if (e instanceof Error) throw e;
    const r = e as { exitCode?: number | null; err?: string; out?: string };
    throw new ComposeError(command, r.exitCode ?? null, r.err ?? '', r.out ?? String(e));
  }
}

export interface ProjectOptions {
  /** Compose project name (unique per run). */
  project: string;
  /** Directory of the compose files. */
  cwd: string;
  files: string[];
  env: Record<string, string>;
  profiles?: string[];
  /** Compose's --env-file: variables for interpolation instead of the .env beside the files. */
  envFile?: string;
}

export class Project {
  constructor(readonly o: ProjectOptions) {}

  private opts(extra: dc.IDockerComposeOptions = {}): dc.IDockerComposeOptions {
    return {
      cwd: this.o.cwd,
      config: this.o.files,
      composeOptions: [
        ['--project-name', this.o.project],
        ...(this.o.profiles ?? []).map((p) => ['--profile', p]),
        ...(this.o.envFile ? [['--env-file', this.o.envFile]] : []),
      ],
      env: { ...process.env, ...this.o.env },
      ...extra,
    };
  }

  get name() {
    return this.o.project;
  }

  /** `docker compose ARGS` for this project, as a command line to run in `cwd` with `env` (a person's verb:
   * exec, logs, ps, restart, with the terminal attached). */
  commandLine(args: string[]): { argv: string[]; cwd: string; env: NodeJS.ProcessEnv } {
    const files = this.o.files.flatMap((f) => ['-f', f]);
    const profiles = (this.o.profiles ?? []).flatMap((p) => ['--profile', p]);
    return {
      argv: ['compose', '--project-name', this.o.project, ...files, ...profiles, ...args],
      cwd: this.o.cwd,
      env: { ...process.env, ...this.o.env },
    };
  }
  /** Re-creates these services (and only these) from the files as they are now, and waits for them. */
  recreate(services: string[], timeoutS = 120) {
    const opts = ['--pull', 'never', '--wait', ['--wait-timeout', String(timeoutS)], '--force-recreate', '--no-deps'];
    return wrap('up', dc.upMany(services, this.opts({ commandOptions: opts })));
  }

  /** wait: false starts the containers without waiting for health (for services whose health checks are off).
   * recreate: false only creates what is missing and starts what is stopped: a container whose image or
   * configuration changed since stays as it is. Never pulls: an image that is not built here fails the call with
   * its name. */
  up(timeoutS = 120, { wait = true, recreate = true } = {}) {
    const waiting = wait ? ['--wait', ['--wait-timeout', String(timeoutS)]] : [];
    const keep = recreate ? [] : ['--no-recreate'];
    return wrap('up', dc.upAll(this.opts({ commandOptions: [['--pull', 'never'], ...waiting, ...keep, '--remove-orphans'] })));
  }
  /** Removes the project with every profile's services (`--profile '*'`): a check that started a profile's
   * services (mesh's scale) and failed before removing them leaves nothing behind. */
  down() {
    const all = new Project({ ...this.o, profiles: ['*'] });
    return wrap('down', dc.downAll(all.opts({ commandOptions: ['--volumes', '--remove-orphans', ['--timeout', '10']] })));
  }
  /** Stops services as Compose stops a stack: dependents first (an app before the sidecar it depends on). */
  stop(services: string[], timeoutS = 10) {
    return wrap('stop', dc.stopMany(this.opts({ commandOptions: [['--timeout', String(timeoutS)]] }), ...services));
  }
  /** Stops and removes these services' containers; the rest of the project stays up. */
  remove(services: string[]) {
    return wrap('rm', dc.rm(this.opts({ commandOptions: ['--stop', '--force'] }), ...services));
  }
  /** Runs a one-shot container of a service (`run --rm`) with this command; resolves with its output.
   * `compose run` has no `--pull` flag, so a missing image is refused here, by name, before Compose could pull it. */
  async run(service: string, command: string[]): Promise<string> {
    const image = (await this.serviceImages())[service];
    if (image && !(await imagePresent(image))) throw new Error(`no such image: ${image} (service ${service}); nothing is pulled`);
    return (await wrap('run', dc.run(service, command, this.opts({ commandOptions: ['--rm', '--no-deps'] })))).out;
  }
  async ps(): Promise<string> {
    return (await wrap('ps', dc.ps(this.opts({ commandOptions: ['--all'] })))).out;
  }
  async logs(tail = 200): Promise<string> {
    return (await wrap('logs', dc.logs([], this.opts({ commandOptions: ['--no-color', '--timestamps', ['--tail', String(tail)]] })))).out;
  }
  /** The host address a container port is published on, e.g. 127.0.0.1:49153. */
  async port(service: string, containerPort: number): Promise<string> {
    const r = await wrap('port', dc.port(service, containerPort, this.opts()));
    return `${r.data.address}:${r.data.port}`;
  }
  /** Builds these services' images; each proxy variable set in the environment reaches the build by name
   * (scripts/lib/proxy.ts), so its value is in no command line. */
  build(services: string[]) {
    const args = proxyBuildArgs({ ...process.env, ...this.o.env });
    return wrap('build', dc.buildMany(services, this.opts({ commandOptions: args.length ? [args] : [] })));
  }
  /** The project as Compose reads it (`config --format json`): interpolated, paths absolute. */
  async config<T = { services: Record<string, { image?: string }> }>(): Promise<T> {
    return JSON.parse((await wrap('config', dc.execCompose('config', ['--format', 'json'], this.opts()))).out) as T;
  }
  /** Service name -> image, as the compose file says after interpolation. */
  async serviceImages(): Promise<Record<string, string>> {
    const cfg = await this.config();
    return Object.fromEntries(Object.entries(cfg.services).flatMap(([k, v]) => (v.image ? [[k, v.image]] : [])));
  }
  /** Container id of a service's container. */
  async id(service: string): Promise<string> {
    const r = await wrap('ps', dc.execCompose('ps', ['--all', '-q', service], this.opts()));
    const id = r.out.trim();
    if (!id) throw new Error(`no container for service ${service} in project ${this.o.project}`);
    return id;
  }
}

const plain = (text: string) => text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** The last health probes (their time, exit code and output) of each of the project's containers that the
 * engine says is unhealthy, as text; empty when none is. What `ps` cannot say: why a probe failed. */
export async function unhealthyProbes(p: Project): Promise<string> {
  const names =
    await $`docker ps --all --filter ${`label=com.docker.compose.project=${p.name}`} --filter health=unhealthy --format ${'{{.Names}}'}`
      .quiet()
      .nothrow();
  const out: string[] = [];
  for (const name of names.stdout.split('\n').filter(Boolean)) {
    const r = await $`docker inspect --format ${'{{json .State.Health}}'} ${name}`.quiet().nothrow();
    let probes: { Start: string; ExitCode: number; Output: string }[] = [];
    try {
      probes = (JSON.parse(r.stdout) as { Log?: typeof probes }).Log ?? [];
    } catch {
      // gone meanwhile: nothing to say about it
    }
    out.push(`${name}: unhealthy; its last probes:`);
    for (const l of probes) out.push(`  ${l.Start.slice(0, 23)} exit ${l.ExitCode} ${l.Output.trim().replace(/\s+/g, ' ').slice(0, 200)}`);
  }
  return out.join('\n');
}

/** A project's `ps`, its unhealthy containers' probes and its logs, as text: what a failure report shows. */
export async function diagnostics(p: Project, tail = 200): Promise<string> {
  const probes = await unhealthyProbes(p);
  return [
    `--- docker compose ps (${p.name}) ---\n${plain(await p.ps().catch((e: Error) => e.message))}`,
    ...(probes ? [`--- health probes of the unhealthy (${p.name}) ---\n${probes}`] : []),
    `--- docker compose logs (${p.name}) ---\n${plain(await p.logs(tail).catch((e: Error) => e.message))}`,
  ].join('\n');
}

/** The image catalogue: the root compose.yaml, whose services build every image we ship. */
export function catalogue(env: Record<string, string>) {
  return new Project({ project: 'sidecar-lab-images', cwd: ROOT, files: ['compose.yaml'], env, profiles: ['catalogue'] });
}

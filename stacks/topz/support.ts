// What the topz checks share: the published topz, its token, the app's secrets, probes run from
// inside or outside the pod, and the two side projects (a loopback topz, and the https stack with
// topz attached), each brought up once per run.
import { join } from 'node:path';
import { attach } from '../../scripts/lib/attach.js';
import { loadAttachment } from '../../scripts/lib/attach-spec.js';
import { VERSION } from '../../scripts/lib/config.js';
import * as docker from '../../scripts/lib/docker.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import type { Project } from '../../scripts/lib/compose.js';
import { readSecret, writeSecret } from '../../scripts/lib/secret.js';
import { loadScenario } from '../../scripts/lib/scenarios.js';
import { fetchSnapshot } from './oracle.js';

export const TOPZ_PORT = 9700;
export const PEEK_PORT = 9710;
export const TOOLBOX = `sidecar-lab/toolbox:${VERSION}`;

/** Writes a fresh token to dir/token for topz's user, as topz's attach declaration says (sidecars/topz/attach.json). */
export const writeToken = (dir: string) => writeSecret(dir, loadAttachment('topz').secret!);
export const tokenDir = (ctx: StackContext) => join(ctx.state, 'topz');
export const token = (ctx: StackContext) => readSecret(join(tokenDir(ctx), 'token'));
/** The two secrets the app gets: its --password and its APP_API_TOKEN. */
export const secrets = (ctx: StackContext) => [ctx.env.APP_PASSWORD!, ctx.env.APP_API_TOKEN!];

export async function topzUrl(ctx: StackContext, project: Project = ctx.project): Promise<string> {
  return `http://${await project.port('pod', TOPZ_PORT)}`;
}

export async function snapshot(ctx: StackContext) {
  return fetchSnapshot(await topzUrl(ctx), token(ctx));
}

/** Runs a shell script in a toolbox container, inside the pod's network namespace or on the stack's network. */
export async function probe(ctx: StackContext, where: 'in-pod' | 'outside', script: string) {
  const pod = await ctx.project.id('pod');
  const net = where === 'in-pod' ? `container:${pod}` : (await docker.networks(pod))[0]!;
  const r = await docker.runOnce(['--network', net, '--read-only', '--cap-drop', 'ALL', TOOLBOX, 'sh', '-c', script]);
  if (r.code !== 0) throw new Error(`probe (${where}) exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

const once = <T>(make: (ctx: StackContext) => Promise<T>) => {
  const made = new WeakMap<StackContext, Promise<T>>();
  return (ctx: StackContext) => {
    if (!made.has(ctx)) made.set(ctx, make(ctx));
    return made.get(ctx)!;
  };
};

/** topz-peek: every option on, the app's uid, the default loopback address (compose.peek.yaml). */
export const peek = once(async (ctx) => {
  const p = await ctx.sideProject('compose.peek.yaml', 'peek', { env: { POD_ID: await ctx.project.id('pod') } });
  return { project: p, id: await p.id('topz-peek') };
});

/** The https stack, its compose file untouched, with topz attached exactly as `--with topz` does. */
export const httpsWithTopz = once(async (ctx) => {
  const sc = await loadScenario('https');
  const state = join(ctx.state, 'https-with-topz');
  const env = (await sc.prepare?.(state)) ?? {};
  const files = sc.files ?? ['compose.yaml'];
  const attached = await attach(['topz'], { stack: 'https', files, state });
  const project = await ctx.sideProject([...files, attached.file], 'https-topz', { dir: join(ctx.dir, '..', 'https'), env });
  return { project, token: readSecret(attached.placed[0]!.at.secret!), state };
});

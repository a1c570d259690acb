import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sidecarNames } from '../../scripts/lib/bundle.js';
import { DIST, ROOT } from '../../scripts/lib/config.js';
import { loadSpec } from '../../scripts/lib/sidecar-docs.js';
import { catalogue, execForm, interpolate, resolve, stages, type Resolved } from './catalogue.js';
import { uidTable } from './uids.js';

const images = suite('the image catalogue (compose.yaml, images/Dockerfile)');
const DOCKERFILE = 'images/Dockerfile';
const all = stages(readFileSync(join(ROOT, DOCKERFILE), 'utf8'));
const cat = catalogue();
const table = uidTable();
/** Images without a HEALTHCHECK, and why: their Dockerfile stage must say HEALTHCHECK NONE and give the reason. */
const ONE_SHOT: Record<string, RegExp> = {
  toolbox: /runs one command and exits, so it has no service to health-check/,
  runner: /runs one command and exits, so it has no service to health-check/, // the toolbox stage, for CI's runner
  'cert-init': /runs once and exits, so it has no service to health-check/,
};
const OCI = ['title', 'description', 'source', 'version', 'revision', 'licenses'].map((k) => `org.opencontainers.image.${k}`);

const built = (c: (typeof cat)[number]): Resolved =>
  resolve(all, c.build.target, Object.fromEntries(Object.entries(c.build.args).map(([k, v]) => [k, interpolate(String(v))])));

images('the catalogue builds every image as a target of the one Dockerfile, images/Dockerfile, with the repository as context', () => {
  assert.ok(cat.length >= 15, `${cat.length} images in compose.yaml`);
  for (const c of cat) {
    assert.equal([c.build.context, c.build.dockerfile], ['.', DOCKERFILE], `${c.service}: context and dockerfile`);
    assert.is(c.image, `sidecar-lab/${c.service}:\${SIDECAR_LAB_VERSION:-dev}`, `${c.service}: image name`);
    assert.ok(
      all.some((s) => s.name === c.build.target),
      `${c.service}: target ${c.build.target} is a stage of ${DOCKERFILE}`,
    );
  }
  assert.equal(
    all.filter((s) => !['${BASE_IMAGE}', 'scratch'].includes(s.from) && !all.some((p) => p.name === s.from)),
    [],
    'every stage builds on BASE_IMAGE, on scratch or on another stage',
  );
});

images('every image is FROM scratch: what it copies in, and no layer of BASE_IMAGE (where the package manager was)', () => {
  for (const c of cat) assert.is(built(c).chain[0]!.from, 'scratch', `${c.service}: the first stage of target ${c.build.target}`);
});

images('every image runs as its own non-root user, with the id images/uids.yaml gives it', () => {
  for (const c of cat) {
    const id = table.images[c.service];
    assert.ok(id !== undefined && id > 0, `${c.service}: a non-root id in images/uids.yaml (${id})`);
    assert.is(built(c).user, `${id}:${id}`, `${c.service}: USER of target ${c.build.target}`);
  }
});

images('every image has a HEALTHCHECK, except a one-shot image whose stage says HEALTHCHECK NONE and why', () => {
  for (const c of cat) {
    const r = built(c);
    const reason = ONE_SHOT[c.service];
    if (reason) {
      assert.is(r.healthcheck, 'NONE', `${c.service}: a one-shot image says HEALTHCHECK NONE`);
      assert.match(r.chain.at(-1)!.comment, reason, `${c.service}: its stage's comment gives the reason`);
      continue;
    }
    const cmd = execForm(r.healthcheck?.replace(/^(--\S+\s+)*CMD\s+/, ''));
    assert.ok(r.healthcheck && cmd, `${c.service}: an exec-form HEALTHCHECK ... CMD [...] (got ${r.healthcheck})`);
    assert.match(r.healthcheck!, /--interval=\S+ .*--retries=\d+/, `${c.service}: the HEALTHCHECK's interval and retries`);
  }
});

images('every image has an exec-form ENTRYPOINT', () => {
  for (const c of cat) assert.ok(execForm(built(c).entrypoint), `${c.service}: ENTRYPOINT ${built(c).entrypoint}`);
});

images(
  'every sidecar image checks its health with its own probe bundle, runs Bun on its main bundle and EXPOSEs the ports its table listens on',
  async () => {
    const sidecars = cat.filter((c) => c.build.args.SIDECAR !== undefined);
    assert.equal(sidecars.map((c) => c.build.args.SIDECAR).sort(), sidecarNames().sort(), 'one catalogue image per sidecar');
    for (const c of sidecars) {
      const r = built(c);
      assert.equal(execForm(r.entrypoint), ['bun', '/opt/sidecar/main.mjs'], `${c.service}: ENTRYPOINT`);
      assert.equal(
        execForm(r.healthcheck?.replace(/^.*?CMD\s+/, ''))?.slice(0, 2),
        ['bun', '/opt/sidecar/health.mjs'],
        `${c.service}: HEALTHCHECK`,
      );
      const spec = await loadSpec(c.service);
      const listens = Object.values(spec.params)
        .filter((p) => p.listens && p.default !== undefined)
        .map((p) => String(p.default));
      assert.equal(r.expose.sort(), listens.sort(), `${c.service}: EXPOSE`);
      assert.is(r.env.SIDECAR_LAB_VERSION, 'dev', `${c.service}: SIDECAR_LAB_VERSION comes from the build arg VERSION`);
    }
  },
);

images(
  'every image carries the six OCI labels, its title is its name, its licence MIT, and its revision is the commit the build is given',
  () => {
    for (const c of cat) {
      const labels = c.build.labels;
      for (const key of OCI) assert.ok(interpolate(labels[key] ?? '').trim(), `${c.service}: label ${key}`);
      assert.is(labels['org.opencontainers.image.title'], `sidecar-lab ${c.service}`, `${c.service}: title`);
      assert.is(labels['org.opencontainers.image.licenses'], 'MIT', `${c.service}: licenses`);
      assert.is(labels['org.opencontainers.image.revision'], '${SIDECAR_LAB_REVISION:-unknown}', `${c.service}: revision`);
      assert.is(labels['org.opencontainers.image.version'], '${SIDECAR_LAB_VERSION:-dev}', `${c.service}: version`);
    }
    const stray = all.flatMap((s) => s.instructions).filter((i) => i.op === 'LABEL');
    assert.equal(stray, [], `labels are set by compose.yaml only, not by ${DOCKERFILE}`);
  },
);

images('the repository has an MIT LICENSE, the licence the labels name', () => {
  const text = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
  assert.match(text, /^MIT License\n\nCopyright \(c\) 2026 sidecar-lab contributors\n/);
  assert.match(text, /THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND/);
});

images('the revision passed to the build is the checkout\'s commit, and "unknown" where git finds no repository', () => {
  const url = pathToFileURL(join(DIST, 'scripts', 'lib', 'images.js')).href;
  const revision = (env: NodeJS.ProcessEnv) => {
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `console.log(await (await import(${JSON.stringify(url)})).sourceRevision())`],
      { env: { ...process.env, ...env }, encoding: 'utf8' },
    );
    assert.is(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  if (existsSync(join(ROOT, '.git'))) assert.match(revision({}), /^[0-9a-f]{40}$/);
  assert.is(revision({ GIT_DIR: join(ROOT, 'no-such-git-dir') }), 'unknown');
});

images.run();

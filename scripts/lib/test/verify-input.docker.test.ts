// `npm run verify` refuses bad input with exit 2 and one line, before anything starts: nothing is pulled,
// built or left behind, and a JUnit report still says why. Needs the Docker CLI and an engine (image lookups).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { imagePresent } from '../compose.js';
import { DIST } from '../config.js';
import { cli } from './inject-support.js';

const test = suite('npm run verify, refusing bad input');
const tmp = mkdtempSync(join(tmpdir(), 'sl-verify-input-'));

const verify = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(DIST, 'scripts', 'verify.js'), ...args], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const file = (name: string, text: string) => {
  writeFileSync(join(tmp, name), text);
  return name;
};
/** The lines verify wrote on stderr after naming its project. */
const said = (stderr: string) => stderr.split('\n').filter((l) => l && !/runs as compose project/.test(l));
const projects = async () =>
  (await $`docker ps -a --format ${'{{.Label "com.docker.compose.project"}}'}`.quiet()).stdout
    .split('\n')
    .filter((p) => p.startsWith('sl-verify-'));

test.after(() => rmSync(tmp, { recursive: true, force: true }));

test('images that are not here are named, and nothing is pulled: inject’s output for wordpress + mysql', async () => {
  const out = cli(['--service', 'exporter', '--with', 'tls-proxy', 'wordpress.yaml', '-o', join(tmp, 'wordpress.yaml')]);
  assert.is(out.code, 0, out.stderr);
  const r = verify('wordpress.yaml', '--set', 'SIDECAR_LAB_VERSION=0.0.0-absent');
  assert.is(r.code, 2, r.stderr);
  assert.equal(said(r.stderr), [
    'verify: not present on this engine, and verify never pulls: mysql:8.0 (service db), blog/exporter:latest (service exporter), sidecar-lab/cert-init:0.0.0-absent (service exporter-cert-init), sidecar-lab/pause:0.0.0-absent (service exporter-pod), sidecar-lab/tls-proxy:0.0.0-absent (service exporter-tls-proxy), wordpress:6.5-apache (service wordpress); build or pull them first',
  ]);
  for (const image of ['mysql:8.0', 'wordpress:6.5-apache', 'blog/exporter:latest'])
    assert.not.ok(await imagePresent(image), `${image} was pulled`);
});

test('a privileged service, the Docker socket and a host namespace are named before anything starts', () => {
  const f = file(
    'privileged.yaml',
    'services:\n  agent:\n    image: busybox\n    privileged: true\n    network_mode: host\n    volumes: [/var/run/docker.sock:/var/run/docker.sock]\n',
  );
  const r = verify(f);
  assert.is(r.code, 2);
  assert.equal(said(r.stderr), [
    "verify: agent is privileged; agent mounts the Docker socket (/var/run/docker.sock); agent is in the host's network namespace (network_mode: host): verify starts such services only with --allow-privileged",
  ]);
  const allowed = verify(f, '--allow-privileged');
  assert.is(allowed.code, 2, 'it gets past the gate, to the missing image');
  assert.match(allowed.stderr, 'verify: --allow-privileged: starting it although agent is privileged');
  assert.match(allowed.stderr, 'not present on this engine, and verify never pulls: busybox');
});

test('--env-file fills the file’s variables, --set wins over it, and --service keeps only what it needs', () => {
  const f = file(
    'two.yaml',
    'services:\n  web:\n    image: shop/web:${TAG:?set TAG}\n    depends_on: [db]\n  db:\n    image: shop/db:${TAG:?set TAG}\n  batch:\n    image: shop/batch:${BATCH:?set BATCH}\n',
  );
  file('tags.env', 'TAG=from-env-file\nBATCH=nightly\n');
  const r = verify(f, '--env-file', 'tags.env', '--service', 'web');
  assert.is(r.code, 2, r.stderr);
  assert.equal(said(r.stderr), [
    'verify: not present on this engine, and verify never pulls: shop/db:from-env-file (service db), shop/web:from-env-file (service web); build or pull them first',
  ]);
  const set = verify(f, '--env-file', 'tags.env', '--set', 'TAG=from-set', '--service', 'db', '--service', 'batch');
  assert.equal(said(set.stderr), [
    'verify: not present on this engine, and verify never pulls: shop/batch:nightly (service batch), shop/db:from-set (service db); build or pull them first',
  ]);
  const unset = verify(f);
  assert.is(unset.code, 2);
  assert.match(unset.stderr, /^verify: docker compose config rejects two\.yaml: .*set (TAG|BATCH)/m);
});

test('a file Compose rejects, a manifest and a missing file are each one line and exit 2', () => {
  const bad = verify(file('bad.yaml', 'services:\n  web:\n    image: x\n    depends_on: [nowhere]\n'));
  assert.is(bad.code, 2, bad.stderr);
  assert.equal(said(bad.stderr), [
    'verify: docker compose config rejects bad.yaml: service "web" depends on undefined service "nowhere": invalid compose project',
  ]);
  const k8s = verify(file('deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: web }\n'));
  assert.equal(
    [k8s.code, said(k8s.stderr)],
    [2, ['verify: deploy.yaml is a Kubernetes manifest: verify runs Compose files; `identify --strict` lints manifests']],
  );
  const missing = verify('absent.yaml');
  assert.equal([missing.code, missing.stderr], [2, 'verify: cannot read absent.yaml: no such file or directory\n']);
});

test('with --reporter junit, a run that cannot start still writes a report: one failed testcase that says why', async () => {
  const r = verify(file('deploy2.yaml', 'apiVersion: v1\nkind: Pod\n'), '--reporter', 'junit', '--output', 'report.xml');
  assert.is(r.code, 2);
  assert.is(r.stdout, '', 'the report went to --output');
  const xml = readFileSync(join(tmp, 'report.xml'), 'utf8');
  assert.match(xml, /<testsuite [^>]*tests="1" failures="1"/);
  assert.match(xml, /<testcase name="verify starts"[^>]*>\s*<failure type="failed" message="deploy2.yaml is a Kubernetes manifest/);
  const lint = spawnSync('xmllint', ['--noout', '--schema', join(DIST, '..', 'docs', 'junit-4.xsd'), join(tmp, 'report.xml')], {
    encoding: 'utf8',
  });
  assert.is(lint.status, 0, lint.stderr);
  assert.equal(await projects(), [], 'no verify project is left on the engine');
});

test.run();

// `npm run inject` end to end: tls-proxy injected in front of a plain-HTTP app (test/fixtures/inject/greeter.yaml),
// started with Docker Compose, answers HTTPS on the pod's published 127.0.0.1 port: with the user's own certificate
// (--set certs=DIR), and as inject prints it, with the one the cert-init it adds issues. Needs Docker; it builds
// the images it starts (sidecar-lab/{pause,tls-proxy,legacy-greeter,cert-init}) through the one image builder first.
import { randomBytes } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { $ } from 'zx';
import { createCa, issueServerCert } from '../certs.js';
import { Project } from '../compose.js';
import { VERSION } from '../config.js';
import { buildFor } from '../images.js';
import { httpsGet } from '../tls-client.js';
import { cli, FIXTURES, inTempAsync } from './inject-support.js';

const test = suite('npm run inject, end to end');

/** Injects tls-proxy into greeter.yaml in `dir` with `extra` arguments, brings it up, and asks greeter over HTTPS
 * with the CA that `ca` gives once the project is up. */
async function greetOverTls(dir: string, extra: string[], ca: (project: Project) => Promise<Buffer>): Promise<void> {
  copyFileSync(join(FIXTURES, 'greeter.yaml'), join(dir, 'compose.yaml'));
  const r = cli(['--service', 'greeter', '--with', 'tls-proxy', ...extra, 'compose.yaml', '-o', 'out.yaml'], { cwd: dir });
  assert.is(r.code, 0, r.stderr);
  const project = new Project({
    project: `sl-inject-${randomBytes(3).toString('hex')}`,
    cwd: dir,
    files: ['out.yaml'],
    env: { SIDECAR_LAB_VERSION: VERSION },
  });
  await buildFor(project);
  try {
    await project.up(60);
    const address = await project.port('greeter-pod', 8443);
    assert.match(address, /^127\.0\.0\.1:\d+$/, 'published on the host’s loopback, on an ephemeral port');
    const res = await httpsGet(`https://${address}/`, { ca: await ca(project), timeoutMs: 5000 });
    assert.is(res.status, 200);
    const body = JSON.parse(res.body) as { app: string; headers: Record<string, string> };
    assert.is(body.app, 'legacy-greeter', 'the unchanged app answered');
    assert.is(body.headers['x-forwarded-proto'], 'https', 'through the TLS sidecar');
  } finally {
    await project.down();
  }
}

test('tls-proxy injected in front of a plain-HTTP app answers HTTPS on the pod’s 127.0.0.1 port, verified against a throwaway CA', () =>
  inTempAsync(async (dir) => {
    const ca = await createCa(join(dir, 'ca'));
    await issueServerCert(ca, join(dir, 'certs'));
    await greetOverTls(dir, ['--set', 'certs=./certs'], async () => readFileSync(ca.cert));
  }));

test('inject’s output runs as it is: without certs, cert-init issues a self-signed one that tls-proxy serves', () =>
  inTempAsync(async (dir) =>
    greetOverTls(dir, [], async (project) => {
      // the certificate is its own CA: read it back from the sidecar's mount
      await $`docker cp ${await project.id('greeter-tls-proxy')}:/etc/tls/tls.crt ${join(dir, 'issued.crt')}`.quiet();
      return readFileSync(join(dir, 'issued.crt'));
    }),
  ));

test.run();

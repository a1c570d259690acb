// The parts of `npm run inject`: the byte-keeping renderer, the unified diff, and the sidecar declarations
// (sidecars/<name>/attach.json) it shares with `--with NAME`.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isMap, parseDocument, type YAMLMap } from 'yaml';
import { attach, place, serviceFor } from '../attach.js';
import { loadAttachment, parseAttachment, resolveInputs } from '../attach-spec.js';
import { ROOT } from '../config.js';
import { lineOps, unifiedDiff } from '../inject/diff.js';
import { Source } from '../inject/render.js';
import { containerPort } from '../inject/sidecar.js';
import { block, FIXTURES, fixture } from './inject-support.js';

const test = suite('npm run inject: renderer, diff, declarations');

const composeTexts = (): [string, string][] => {
  const files = ['compose.yaml', ...readdirSync(join(ROOT, 'compose')).map((f) => join('compose', f))];
  for (const stack of readdirSync(join(ROOT, 'stacks')))
    for (const f of readdirSync(join(ROOT, 'stacks', stack))) if (/^compose.*\.ya?ml$/.test(f)) files.push(join('stacks', stack, f));
  files.push(...readdirSync(FIXTURES).map((f) => join('test', 'fixtures', 'inject', f)));
  return files.map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]);
};

test('with nothing edited, every compose file of the repo and every fixture is printed back byte for byte', () => {
  const texts = composeTexts();
  assert.ok(texts.length >= 10, `only ${texts.length} compose files`);
  for (const [file, text] of texts) {
    const doc = parseDocument(text, { merge: true });
    assert.equal(new Source(text, doc).render(doc), { text, exact: true }, file);
  }
});

test('deleting any one service keeps every other service’s lines, comments and spacing as they were', () => {
  const cases = ['wordpress.yaml', 'node-redis.yaml', 'anchors.yaml'].flatMap((file) => {
    const services = parseDocument(fixture(file)).get('services') as YAMLMap;
    return services.items.map((i) => [file, String((i.key as { value: unknown }).value)] as const);
  });
  fc.assert(
    fc.property(fc.constantFrom(...cases), ([file, gone]) => {
      const text = fixture(file);
      const doc = parseDocument(text, { merge: true });
      const src = new Source(text, doc);
      (doc.get('services') as YAMLMap).delete(gone);
      const out = src.render(doc);
      assert.ok(out.exact, `${file} without ${gone}`);
      for (const i of (doc.get('services') as YAMLMap).items) {
        const name = String((i.key as { value: unknown }).value);
        assert.ok(out.text.includes(block(text, name)), `${file} without ${gone}: ${name} changed`);
      }
    }),
  );
});

test('a new entry is printed in the file’s own style: its indentation, its sequence indent and its flow padding', () => {
  const add = (text: string) => {
    const doc = parseDocument(text, { merge: true });
    const src = new Source(text, doc);
    const web = doc.getIn(['services', 'web']) as YAMLMap;
    web.set('expose', doc.createNode(['80']));
    const check = doc.createNode({ test: ['CMD', 'true'] }) as YAMLMap;
    check.flow = true;
    web.set('healthcheck', check);
    web.set('logging', doc.createNode({ driver: 'local' }));
    return { style: src.style, text: src.render(doc).text };
  };
  const flat = 'services:\n  web:\n    image: x    # aligned\n    cap_drop: [ ALL ]\n    ports:\n    - "80:80"\n';
  assert.equal(add(flat), {
    style: { indent: 2, indentSeq: false, flowCollectionPadding: true },
    text: `${flat}    expose:\n    - "80"\n    healthcheck: { test: [ CMD, "true" ] }\n    logging:\n      driver: local\n`,
  });
  const wide = 'services:\n    web:\n        image: x\n        cap_drop: [ALL]\n        ports:\n            - "80:80"\n';
  assert.equal(add(wide), {
    style: { indent: 4, indentSeq: true, flowCollectionPadding: false },
    text: `${wide}        expose:\n            - "80"\n        healthcheck: {test: [CMD, "true"]}\n        logging:\n            driver: local\n`,
  });
});

test('the unified diff has diff -u’s headers and hunks, with three lines of context', () => {
  const a = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n';
  const b = 'a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n';
  assert.is(unifiedDiff(a, b, { from: 'x', to: 'y' }), '--- x\n+++ y\n@@ -1,10 +1,11 @@\n a\n b\n c\n-d\n+D\n e\n f\n g\n h\n i\n j\n+k\n');
  assert.is(
    unifiedDiff('1\n2\n3\n4\n5\n6\n7\n8\n9\n', '1\n2\n3\n4\n5\n6\n7\n8\n', { from: 'x', to: 'y' }),
    '--- x\n+++ y\n@@ -6,4 +6,3 @@\n 6\n 7\n 8\n-9\n',
  );
  assert.is(unifiedDiff(a, a, { from: 'x', to: 'y' }), '');
});

test('applying the diff’s hunks to the old text gives the new one (random texts)', () => {
  const text = fc.array(fc.constantFrom('a', 'b', 'c', '', '  d: 1'), { maxLength: 30 }).map((l) => (l.length ? `${l.join('\n')}\n` : ''));
  fc.assert(
    fc.property(text, text, (a, b) => {
      assert.is(apply(a, unifiedDiff(a, b, { from: 'a', to: 'b' })), b);
      assert.is(lineOps(a, b).filter(([k]) => k !== '+').length, a ? a.split('\n').length - 1 : 0);
    }),
  );
});

/** Applies a unified diff to a text. */
function apply(a: string, diff: string): string {
  if (!diff) return a;
  const old = a.split('\n').slice(0, -1);
  const out: string[] = [];
  let at = 0;
  for (const hunk of diff.split(/^(?=@@ )/m).slice(1)) {
    const [head, ...lines] = hunk.replace(/\n$/, '').split('\n');
    const [, start, count] = /^@@ -(\d+),(\d+)/.exec(head!)!.map(Number) as [number, number, number];
    const from = count ? start - 1 : start;
    out.push(...old.slice(at, from));
    at = from;
    for (const l of lines) {
      if (l[0] === '+') out.push(l.slice(1));
      else if (l[0] === '-') at++;
      else out.push(old[at++]!);
    }
  }
  out.push(...old.slice(at));
  return out.length ? `${out.join('\n')}\n` : '';
}

test('the container port of a ports or expose entry, in the short and the long syntax', () => {
  const cases: [unknown, number | undefined][] = [
    ['80', 80],
    ['8080:80', 80],
    ['127.0.0.1:8080:80/udp', 80],
    ['127.0.0.1::8080', 8080],
    ['${HOST_IP:-127.0.0.1}:${P:-8080}:3000', 3000],
    ['[::1]:8080:80', 80],
    ['9090-9091:8080-8081', 8080],
    [5000, 5000],
    [{ target: 8443, published: '443' }, 8443],
    ['${ONLY_A_VAR}', undefined],
  ];
  for (const [entry, port] of cases) assert.is(containerPort(entry), port, JSON.stringify(entry));
});

test('tls-proxy declares what inject needs: its ports, a certs dir and an upstream port as inputs; the runner fills them with placeholders', () => {
  const tls = loadAttachment('tls-proxy');
  assert.equal(tls.listens, { https: 8443, admin: 9901 });
  assert.equal(Object.keys(tls.inputs), ['upstream-port', 'certs']);
  assert.is(tls.dirs.certs!.input, 'certs');
  assert.equal(tls.dirs.certs!.issuedBy, {
    image: 'sidecar-lab/cert-init:${SIDECAR_LAB_VERSION:-dev}',
    about: 'a self-signed certificate for localhost',
    group: 10015,
  });
  const uids = parseDocument(readFileSync(join(ROOT, 'images', 'uids.yaml'), 'utf8')).toJS() as { images: Record<string, number> };
  assert.is(tls.dirs.certs!.issuedBy!.group, uids.images['cert-init'], 'the group cert-init’s image makes (images/uids.yaml)');
  const at = place(tls, { state: '/state', used: new Set(), members: ['app'] });
  assert.equal(at.dirs, {}, 'the runner makes no directory for an input');
  const svc = serviceFor(tls, at) as { volumes: string[]; environment: Record<string, string> };
  assert.equal(
    svc.volumes,
    ['${CERT_DIR:?set CERT_DIR to a host directory holding tls.crt and tls.key}:/etc/tls:ro'],
    '--with (the stacks) gives no values and issues nothing: the stack sets CERT_DIR',
  );
  assert.is(svc.environment.TLS_PROXY_UPSTREAM_PORT, '${UPSTREAM_PORT:?set UPSTREAM_PORT to the port the app serves plain HTTP on}');
  const topz = loadAttachment('topz');
  assert.equal(
    place(topz, { state: '/state', used: new Set(), members: [] }).mounts,
    { run: '/state/attach/topz/run' },
    '--with topz is unchanged',
  );
});

test('the stack runner will not attach tls-proxy to a stack that has a tls-proxy service already', async () => {
  try {
    await attach(['tls-proxy'], { stack: 'https', files: ['compose.yaml'], state: '/nonexistent/state' });
    assert.unreachable('should throw');
  } catch (e) {
    assert.is((e as Error).message, '--with tls-proxy: stack https already has a service of that name');
  }
});

test('an input’s value: --set, else its default (with the app’s port), else a placeholder with the app’s prefix', () => {
  const tls = loadAttachment('tls-proxy');
  assert.equal(resolveInputs(tls, { given: { certs: './certs' }, app: { 'app.port': '5000' }, envPrefix: 'WEB_' }), {
    'upstream-port': '5000',
    certs: './certs',
  });
  assert.equal(
    resolveInputs(tls, { envPrefix: 'WEB_' })['upstream-port'],
    '${WEB_UPSTREAM_PORT:?set WEB_UPSTREAM_PORT to the port the app serves plain HTTP on}',
  );
  const bare = parseAttachment('x', { image: 'x', listens: { a: 1 }, inputs: { port: { about: 'a port', default: '{{app.port}}' } } });
  assert.throws(() => resolveInputs(bare), /x needs its input port \(a port\): give it with --set port=VALUE/);
});

test('an input that breaks a rule is refused with the field it got wrong', () => {
  const ok = { image: 'x', listens: { http: 1 } };
  const c = { c: { about: 'a dir', env: 'C' } };
  const rules: [object, RegExp][] = [
    [{ inputs: { certs: { about: 'a dir' } } }, /inputs\.certs needs a default or an env var/],
    [{ inputs: { certs: { about: 'a ${dir}', env: 'D' } } }, /inputs\.certs\.about must be text without/],
    [{ inputs: { certs: { about: 'a dir', env: 'lower' } } }, /inputs\.certs\.env must be an env var name/],
    [{ inputs: { p: { about: 'p', default: '{{nope}}' } } }, /inputs\.p\.default: unknown placeholder \{\{nope\}\}/],
    [{ dirs: { d: { mount: '/d', input: 'missing' } } }, /dirs\.d\.input must name an input/],
    [{ env: { A: '{{input.missing}}' } }, /env\.A: unknown placeholder \{\{input\.missing\}\}/],
    [{ dirs: { d: { mount: '/d', issuedBy: { image: 'i', about: 'a' } } } }, /dirs\.d\.issuedBy needs dirs\.d\.input/],
    [{ inputs: c, dirs: { d: { mount: '/d', input: 'c', issuedBy: { about: 'a' } } } }, /dirs\.d\.issuedBy needs an image and an about/],
    [
      { inputs: c, dirs: { d: { mount: '/d', input: 'c', issuedBy: { image: 'i', about: 'a', group: -1 } } } },
      /issuedBy\.group must be a group id/,
    ],
  ];
  for (const [extra, message] of rules) assert.throws(() => parseAttachment('x', { ...ok, ...extra }), message);
});

test('every fixture is a compose file with services, each more than a toy (several services or comments everywhere)', () => {
  for (const f of readdirSync(FIXTURES)) {
    const doc = parseDocument(fixture(f));
    assert.ok(isMap(doc.get('services')), f);
    assert.ok((fixture(f).match(/#/g)?.length ?? 0) >= 3, `${f} has few comments`);
  }
});

test.run();

// `npm run inject`: a service of a user's compose file becomes a pod with sidecars (scripts/lib/inject/).
// Every result is checked by Docker Compose itself (docker compose config): Docker is required here.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadAttachment } from '../attach-spec.js';
import { ROOT } from '../config.js';
import { unifiedDiff } from '../inject/diff.js';
import { inject } from '../inject/pod.js';
import { block, cli, comments, composeConfig, fixture, inTemp, type Service } from './inject-support.js';

const test = suite('npm run inject');
const tls = loadAttachment('tls-proxy');
const topz = loadAttachment('topz');

/** The fixture cases: file, service, sidecars, and the services that must stay byte for byte. */
const CASES = [
  { file: 'wordpress.yaml', service: 'exporter', with: ['tls-proxy'], untouched: ['db', 'wordpress'] },
  { file: 'node-redis.yaml', service: 'api', with: ['tls-proxy'], untouched: ['cache', 'worker'] },
  { file: 'anchors.yaml', service: 'web', with: ['tls-proxy', 'topz'], untouched: ['catalog'] },
  { file: 'greeter.yaml', service: 'greeter', with: ['tls-proxy'], untouched: [] },
];
const args = (c: (typeof CASES)[number]) => ['--service', c.service, ...c.with.flatMap((w) => ['--with', w]), c.file];
const run = (c: (typeof CASES)[number]) =>
  inject(fixture(c.file), { service: c.service, sidecars: c.with.map((w) => loadAttachment(w)), file: c.file });
const targets = (s: Service | undefined) => (s?.ports ?? []).map((p) => p.target);

test('wordpress + mysql + a Flask app: exporter-pod takes exporter’s ports, expose, networks and hostname, and Compose accepts the result', () => {
  const r = cli(['--service', 'exporter', '--with', 'tls-proxy', 'wordpress.yaml']);
  assert.is(r.code, 0, r.stderr);
  const s = composeConfig(r.stdout);
  const [app, pod] = [s.exporter!, s['exporter-pod']!];
  assert.equal([app.network_mode, app.pid], ['service:exporter-pod', 'service:exporter-pod']);
  for (const key of ['ports', 'expose', 'hostname']) assert.not.ok(key in app, `exporter still has ${key}`);
  assert.equal(Object.keys(app.networks ?? {}), [], 'exporter has no networks of its own');
  assert.equal(targets(pod), [5000, 8443]);
  assert.equal(pod.expose, ['5000', '9901'], 'the app’s expose, then the sidecar’s admin port');
  assert.is(pod.hostname, 'exporter');
  assert.equal(pod.networks, { backend: { aliases: ['exporter'] }, frontend: { aliases: ['api', 'exporter'] } });
  assert.match(String(pod.image), /^sidecar-lab\/pause:/);
  assert.equal(pod.healthcheck, {
    test: ['CMD', 'catatonit', '--version'],
    interval: '5s',
    timeout: '10s',
    start_period: '30s',
    retries: 3,
  });
  assert.match(r.stderr, /^inject: moved ports, expose, networks, hostname from exporter to exporter-pod: the pod owns the network now$/m);
  assert.match(r.stderr, /^--- wordpress\.yaml\n\+\+\+ wordpress\.yaml \(injected\)\n@@ -39,24 \+39,\d+ @@\n/m);
});

test('in every fixture the app and its sidecars join the pod; sidecars wait for the pod, the app for every sidecar to be healthy', () => {
  for (const c of CASES) {
    const s = composeConfig(run(c).text);
    const pod = `${c.service}-pod`;
    const sidecars = c.with.map((w) => `${c.service}-${w}`);
    for (const name of [c.service, ...sidecars])
      assert.equal([s[name]!.network_mode, s[name]!.pid], [`service:${pod}`, `service:${pod}`], name);
    for (const name of sidecars) assert.is(s[name]!.depends_on?.[pod]?.condition, 'service_started', `${c.file}: ${name} -> ${pod}`);
    for (const name of sidecars)
      assert.is(s[c.service]!.depends_on?.[name]?.condition, 'service_healthy', `${c.file}: ${c.service} -> ${name}`);
    assert.equal(s[`${c.service}-tls-proxy`]!.read_only, true);
  }
});

test('every comment survives, and the untouched services and top-level blocks are byte for byte what they were', () => {
  for (const c of CASES) {
    const [before, after] = [fixture(c.file), run(c).text];
    for (const comment of comments(before)) assert.ok(after.includes(comment), `${c.file}: lost comment ${comment}`);
    for (const name of c.untouched) assert.ok(after.includes(block(before, name)), `${c.file}: service ${name} changed`);
    for (const top of ['volumes', 'networks', 'x-service', 'x-logging', 'version'].filter((k) => new RegExp(`^${k}:`, 'm').test(before)))
      assert.ok(after.includes(block(before, top, '')), `${c.file}: ${top} changed`);
    assert.ok(after.startsWith(before.slice(0, before.indexOf('services:'))), `${c.file}: the head of the file changed`);
  }
});

test('a Node API with Redis: short-syntax ports, quoted or not, move with their comments; list env and logging anchors stay as written', () => {
  const out = run(CASES[1]!).text;
  assert.ok(out.includes('      - 3000:3000          # unquoted, as people write it\n      - "9229:9229"        # node --inspect'));
  assert.ok(out.includes('    environment:\n      - NODE_ENV=production\n'));
  assert.equal(targets(composeConfig(out)['api-pod']), [3000, 9229, 8443]);
  assert.is(composeConfig(out)['api-tls-proxy']!.environment!.TLS_PROXY_UPSTREAM_PORT, '3000', 'upstream: the app’s first port');
});

test('long-syntax ports and << anchors: networks inherited through << go to the pod and are emptied on the app', () => {
  const r = run(CASES[2]!);
  const s = composeConfig(r.text);
  assert.equal(targets(s['web-pod']), [8080, 9090, 8443, 9700]);
  assert.equal(s['web-pod']!.networks, { internal: { aliases: ['web'] } });
  assert.equal(s.catalog!.networks, { internal: null }, 'catalog keeps the template’s network');
  assert.ok(r.text.includes('    networks: {}\n'), 'web overrides the merged networks');
  assert.ok(r.notes.includes('web got networks from a YAML merge key (<<): gave the value to web-pod and set networks: {} on web'));
  assert.ok(r.text.includes("      - target: 8080             # the app's port in the container"));
});

test('running inject on its own output changes nothing, byte for byte (every fixture, through the CLI)', () => {
  for (const c of CASES)
    inTemp((dir) => {
      const first = cli([...args(c), '-o', join(dir, 'once.yaml')]);
      assert.is(first.code, 0, first.stderr);
      const again = cli([...args(c).slice(0, -1), join(dir, 'once.yaml')]);
      assert.is(again.code, 0, again.stderr);
      assert.is(again.stdout, readFileSync(join(dir, 'once.yaml'), 'utf8'), c.file);
      assert.match(again.stderr, /nothing to change\n$/);
    });
});

test('a second --with adds only the new sidecar, after the first, and the app waits for both', () => {
  const once = inject(fixture('greeter.yaml'), { service: 'greeter', sidecars: [tls] }).text;
  const twice = inject(once, { service: 'greeter', sidecars: [tls, topz] }).text;
  assert.ok(twice.startsWith(once.slice(0, once.indexOf('    depends_on:\n      greeter-tls-proxy'))));
  const s = composeConfig(twice);
  assert.equal(Object.keys(s).sort(), ['greeter', 'greeter-cert-init', 'greeter-pod', 'greeter-tls-proxy', 'greeter-topz']);
  assert.equal(Object.keys(s.greeter!.depends_on!).sort(), ['greeter-pod', 'greeter-tls-proxy', 'greeter-topz']);
  assert.ok(twice.indexOf('  greeter-tls-proxy:') < twice.indexOf('  greeter-topz:'));
});

test('tls-proxy’s inputs: the upstream port is the app’s first port; without certs, cert-init issues them into a volume first, and ${APP_CERT_DIR} still brings your own; --set gives both', () => {
  const plain = inject(fixture('wordpress.yaml'), { service: 'exporter', sidecars: [tls] });
  assert.ok(plain.text.includes('      - "${EXPORTER_CERT_DIR:-exporter-tls-proxy-certs}:/etc/tls:ro"\n'), plain.text);
  assert.ok(
    plain.notes.includes(
      'exporter-tls-proxy: its certs: a self-signed certificate for localhost, issued by exporter-cert-init into volume exporter-tls-proxy-certs; to bring your own, set EXPORTER_CERT_DIR to a host directory holding tls.crt and tls.key (or rerun with --set certs=DIR)',
    ),
    plain.notes.join('\n'),
  );
  assert.match(
    plain.text,
    /^ {2}# its certs: a self-signed certificate for localhost, issued by exporter-cert-init .* set EXPORTER_CERT_DIR to /m,
  );
  assert.not.ok(plain.notes.some((n) => n.includes('EXPORTER_CERT_DIR:?')));
  const s = composeConfig(plain.text);
  const [init, proxy] = [s['exporter-cert-init']!, s['exporter-tls-proxy']!];
  assert.match(String(init.image), /^sidecar-lab\/cert-init:/);
  assert.equal(
    [init.network_mode, init.read_only, init.volumes![0]!.source, init.volumes![0]!.target],
    ['service:exporter-pod', true, 'exporter-tls-proxy-certs', '/etc/tls'],
  );
  assert.equal(
    [proxy.volumes![0]!.type, proxy.volumes![0]!.source, proxy.volumes![0]!.read_only],
    ['volume', 'exporter-tls-proxy-certs', true],
  );
  assert.is(proxy.depends_on?.['exporter-cert-init']?.condition, 'service_completed_successfully');
  assert.equal(proxy.group_add, ['10015'], 'cert-init’s group, which may read the key (images/uids.yaml)');
  const own = composeConfig(plain.text, { EXPORTER_CERT_DIR: '/srv/tls' })['exporter-tls-proxy']!.volumes![0]!;
  assert.equal([own.type, own.source], ['bind', '/srv/tls'], 'the variable still brings your own certificate');
  assert.is(inject(plain.text, { service: 'exporter', sidecars: [tls] }).text, plain.text, 'a second run changes nothing');
  const r = cli([
    '--service',
    'exporter',
    '--with',
    'tls-proxy',
    '--set',
    'certs=./tls',
    '--set',
    'tls-proxy.upstream-port=5001',
    'wordpress.yaml',
  ]);
  const given = composeConfig(r.stdout);
  const set = given['exporter-tls-proxy']!;
  assert.is(set.environment!.TLS_PROXY_UPSTREAM_PORT, '5001');
  const certs = set.volumes![0]!;
  assert.equal([certs.type, certs.source.endsWith('/tls'), certs.target, certs.read_only], ['bind', true, '/etc/tls', true]);
  assert.ok(r.stdout.includes('      - ./tls:/etc/tls:ro\n'));
  assert.not.ok('exporter-cert-init' in given, 'certificates given: nothing is issued');
  const none = cli(['--service', 'exporter', '--with', 'tls-proxy', '--set', 'nope=1', 'wordpress.yaml']);
  assert.equal(
    [none.code, none.stderr],
    [2, 'inject: --set nope=1: no sidecar given takes nope (inputs: tls-proxy.upstream-port, tls-proxy.certs)\n'],
  );
});

test('topz declares a secret: its dir is a host directory the user fills, asked for by a placeholder, with how to make it', () => {
  const r = inject(fixture('anchors.yaml'), { service: 'catalog', sidecars: [topz] });
  assert.ok(
    r.text.includes(
      '"${CATALOG_TOPZ_RUN_DIR:?set CATALOG_TOPZ_RUN_DIR to a host directory holding token, a secret that uid 10004 reads}:/run/topz:ro"',
    ),
  );
  assert.ok(
    r.notes.includes(
      'catalog-topz: set CATALOG_TOPZ_RUN_DIR (or --set run=DIR) to a directory holding token: a random secret (openssl rand -hex 32) owned by uid 10004, mode 0400',
    ),
    r.notes.join('\n'),
  );
  const s = composeConfig(r.text);
  assert.equal(targets(s['catalog-pod']), [9700], 'topz published on the pod; expose is not published');
  assert.equal(s['catalog-pod']!.expose, ['7000', '9701'], 'the app’s expose, then topz’s admin port');
});

test('services that shared the app’s network or PID namespace now join its pod', () => {
  const text = 'services:\n  app:\n    image: nginx\n  debug:\n    image: busybox\n    network_mode: "service:app"\n    pid: service:app\n';
  const r = inject(text, { service: 'app', sidecars: [tls] });
  const s = composeConfig(r.text);
  assert.equal([s.debug!.network_mode, s.debug!.pid], ['service:app-pod', 'service:app-pod']);
  assert.ok(r.notes.includes("debug shared app's network: it now joins app-pod"), r.notes.join('\n'));
});

test('a file with CRLF line ends keeps them', () => {
  const text = fixture('greeter.yaml').replace(/\n/g, '\r\n');
  const out = inject(text, { service: 'greeter', sidecars: [tls] }).text;
  assert.not.match(out, /[^\r]\n/);
  assert.is(inject(out, { service: 'greeter', sidecars: [tls] }).text, out);
});

test('another style (--- marker, 4-space indent, sequences not indented, a block scalar, trailing spaces) is kept and followed', () => {
  const text = [
    '---',
    'services:',
    '    web:',
    '        ports:',
    '        - "8080:80"    # the site',
    '        image: nginx:alpine',
    '        command: |',
    '            sh -c \'exec nginx -g "daemon off;"\'',
    '    other:',
    '        image: busybox   ',
    '',
  ].join('\n');
  const r = inject(text, { service: 'web', sidecars: [tls] });
  assert.not.ok(
    r.notes.some((n) => n.startsWith('could not keep')),
    r.notes.join('\n'),
  );
  assert.ok(r.text.endsWith('    other:\n        image: busybox   \nvolumes:\n    web-tls-proxy-certs: {}\n'), r.text);
  assert.ok(r.text.includes('        ports:\n        - "8080:80"    # the site\n        - "127.0.0.1:${WEB_HTTPS_PORT:-}:8443"\n'));
  assert.ok(r.text.includes("        command: |\n            sh -c 'exec nginx"));
  assert.equal(composeConfig(r.text).web!.network_mode, 'service:web-pod');
});

test('a service written as a {…} flow map is rewritten in the block style, with a note', () => {
  const r = inject('services: {web: {image: nginx, ports: ["80:80"]}, db: {image: postgres}}\n', { service: 'web', sidecars: [tls] });
  assert.ok(r.notes.includes('wrote web in the block style: it was a {…} flow map'));
  const s = composeConfig(r.text);
  assert.equal([s.web!.network_mode, targets(s['web-pod'])], ['service:web-pod', [80, 8443]]);
  assert.is(inject(r.text, { service: 'web', sidecars: [tls] }).text, r.text);
});

test('the example diff of docs/inject.md is what inject prints for greeter.yaml', () => {
  const doc = readFileSync(join(ROOT, 'docs', 'inject.md'), 'utf8');
  const example = /```diff\n([\s\S]*?)```/.exec(doc)?.[1];
  const diff = unifiedDiff(fixture('greeter.yaml'), run(CASES[3]!).text, { from: 'a', to: 'b' });
  assert.is(example, diff.slice(diff.indexOf('@@')));
});

/** Runs the CLI on a file of its own in a temp dir: [exit code, stderr]. */
function refused(text: string, extra: string[] = [], env?: NodeJS.ProcessEnv): [number | null, string] {
  return inTemp((dir) => {
    writeFileSync(join(dir, 'compose.yaml'), text);
    const r = cli(['--service', 'web', '--with', 'tls-proxy', ...extra, 'compose.yaml'], { cwd: dir, env });
    return [r.code, r.stderr];
  });
}

test('refused, exit 2, one line: a service on the host network', () => {
  assert.equal(refused('services:\n  web:\n    image: nginx\n    network_mode: host\n'), [
    2,
    'inject: service "web" uses network_mode: host: it has no network namespace of its own to give a pod\n',
  ]);
});

test('refused: a service already joined to another’s network (service: or container:)', () => {
  const joined = 'services:\n  db:\n    image: mysql\n  web:\n    image: nginx\n    network_mode: service:db\n';
  assert.equal(refused(joined), [
    2,
    'inject: service "web" already shares another\'s network (network_mode: service:db); inject into that one instead\n',
  ]);
  const container = 'services:\n  web:\n    image: nginx\n    network_mode: container:legacy\n';
  assert.equal(refused(container), [
    2,
    'inject: service "web" already shares another\'s network (network_mode: container:legacy); inject into that one instead\n',
  ]);
});

test('refused: an unknown sidecar, naming the attachable ones', () => {
  const r = cli(['--service', 'exporter', '--with', 'nope', 'wordpress.yaml']);
  assert.equal(
    [r.code, r.stderr],
    [2, 'inject: --with nope: not an attachable sidecar (one with sidecars/<name>/attach.json): tls-proxy, topz\n'],
  );
});

test('refused: an unknown service, naming the file’s services', () => {
  const r = cli(['--service', 'nope', '--with', 'tls-proxy', 'wordpress.yaml']);
  assert.equal([r.code, r.stderr], [2, 'inject: no service "nope" in wordpress.yaml (its services: db, wordpress, exporter)\n']);
});

test('refused: a file docker compose config rejects, with Compose’s own reason', () => {
  const bad = 'services:\n  web:\n    image: nginx\n    volumes:\n      - missing:/data\n';
  assert.equal(refused(bad), [
    2,
    'inject: docker compose config rejects compose.yaml: service "web" refers to undefined volume missing: invalid compose project\n',
  ]);
});

test('refused: no docker on the PATH, said in one line', () => {
  const env = { ...process.env, PATH: '/nonexistent' };
  assert.equal(refused('services:\n  web:\n    image: nginx\n', [], env), [
    2,
    'inject: docker not found: inject checks compose.yaml with docker compose config; install Docker with Compose v2 (npm run doctor)\n',
  ]);
});

test.run();

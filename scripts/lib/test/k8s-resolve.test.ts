// The YAML resolver (Compose semantics without Docker), the canonical model both resolvers feed, and
// what the catalogue's images bring (HEALTHCHECK, EXPOSE).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { dockerHealthcheck, imageInfo } from '../k8s/images.js';
import { convert } from '../k8s/convert.js';
import { resolveFile } from '../k8s/resolve.js';
import { normalize, normalizeService, runVarMarker, seconds } from '../compose-file/model.js';
import { interpolate } from '../compose-file/interpolate.js';
import { inactiveServices, RUN_MARKERS, requiredVariables, resolveYaml } from '../compose-file/resolve.js';

const test = suite('k8s: resolving a compose file');
const root = mkdtempSync(join(tmpdir(), 'k8s-resolve-'));
const file = (name: string, text: string) => {
  writeFileSync(join(root, name), text);
  return join(root, name);
};

test('interpolation follows Compose: defaults, alternates, $$, and a required unset variable becomes its per-run marker', () => {
  const env = { SET: 'v', EMPTY: '' };
  const cases: [string, string][] = [
    ['${SET}/$SET', 'v/v'],
    ['${UNSET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d}', 'd d  d'],
    ['${SET:+alt}${EMPTY:+alt}${EMPTY+alt}', 'altalt'],
    ['$$HOME $$(date)', '$HOME $(date)'],
    ['${NEED:?set NEED} $NEED2', `${runVarMarker('NEED')} ${runVarMarker('NEED2')}`],
    ['${EMPTY:?must not be empty}', runVarMarker('EMPTY')],
  ];
  for (const [text, want] of cases) assert.is(interpolate(text, env, RUN_MARKERS), want, text);
});

test('the required variables of a file and what it extends are those with no default', () => {
  file('base.yaml', 'services:\n  base:\n    image: "x:${TAG:-dev}"\n    environment: { K: "${BASE_KEY}" }\n');
  const top = file(
    'req.yaml',
    'services:\n  a:\n    extends: { file: base.yaml, service: base }\n    command: ["$$SKIP", "${A:?a}", "$B", "${C:-c}"]\n',
  );
  assert.equal(requiredVariables(top), ['A', 'B', 'BASE_KEY']);
});

test('extends across files merges as Compose does: relative binds kept to their file, lists joined, command and test replaced', () => {
  file(
    'frag.yaml',
    [
      'services:',
      '  hard:',
      '    read_only: true',
      '    cap_drop: [ALL]',
      '    command: ["base"]',
      '    environment: [A=1, B=2]',
      '    volumes: ["./conf:/conf:ro", "data:/data"]',
      '    healthcheck: { test: ["CMD", "base"], interval: 1s }',
    ].join('\n'),
  );
  const top = file(
    'ext.yaml',
    [
      'services:',
      '  app:',
      '    extends: { file: frag.yaml, service: hard }',
      '    cap_drop: [NET_RAW]',
      '    command: ["own"]',
      '    environment: { B: "3", C: "4" }',
      '    volumes: ["other:/data"]',
      '    healthcheck: { test: ["CMD", "own"], retries: 10 }',
      'volumes: { data: {}, other: {} }',
    ].join('\n'),
  );
  const app = normalize(resolveYaml(top, {})).services.app!;
  assert.equal(app, {
    read_only: true,
    cap_drop: ['ALL', 'NET_RAW'],
    command: ['own'],
    environment: { A: '1', B: '3', C: '4' },
    volumes: [
      { type: 'bind', source: join(root, 'conf'), target: '/conf', read_only: true },
      { type: 'volume', source: 'other', target: '/data' },
    ],
    healthcheck: { test: ['CMD', 'own'], interval: 1, retries: 10 },
  });
});

test('a service of an inactive profile is left out with its volumes, and listed as inactive', () => {
  const f = file(
    'prof.yaml',
    'services:\n  a: { image: x }\n  b: { image: y, profiles: [extra], volumes: ["v:/v"] }\nvolumes: { v: {} }\n',
  );
  assert.equal(Object.keys(resolveYaml(f, {}).services as object), ['a']);
  assert.equal(resolveYaml(f, {}).volumes, {});
  assert.equal(inactiveServices(f, []), { b: ['extra'] });
  assert.equal(Object.keys(resolveYaml(f, {}, ['extra']).services as object), ['a', 'b']);
  assert.equal(inactiveServices(f, ['extra']), {});
});

test("docker compose config's long forms and defaults normalize to the same service as the short forms", () => {
  const short = normalizeService({
    ports: ['127.0.0.1::8443'],
    depends_on: ['pod'],
    volumes: ['/abs:/etc/tls:ro'],
    healthcheck: { test: 'true', interval: '1m' },
    user: 10005,
  });
  const long = normalizeService({
    command: null,
    entrypoint: null,
    networks: { default: null },
    ports: [{ mode: 'ingress', host_ip: '127.0.0.1', target: 8443, protocol: 'tcp' }],
    depends_on: { pod: { condition: 'service_started', required: true } },
    volumes: [{ type: 'bind', source: '/abs', target: '/etc/tls', read_only: true, bind: { create_host_path: true } }],
    healthcheck: { test: ['CMD-SHELL', 'true'], interval: '1m0s' },
    user: '10005',
  });
  assert.equal(short, long);
  assert.equal([seconds('1m30s'), seconds('500ms'), seconds(2)], [90, 0.5, 2]);
  assert.throws(() => seconds('soon'), /not a duration/);
});

test('a Dockerfile HEALTHCHECK is read with its options, in exec form, shell form, or NONE', () => {
  assert.equal(dockerHealthcheck('--interval=5s --timeout=10s --start-period=1m --retries=3 CMD ["node", "main.mjs", "healthcheck"]'), {
    interval: 5,
    timeout: 10,
    start_period: 60,
    retries: 3,
    test: ['CMD', 'node', 'main.mjs', 'healthcheck'],
  });
  assert.equal(dockerHealthcheck('CMD curl -f http://localhost/'), { test: ['CMD-SHELL', 'curl -f http://localhost/'] });
  assert.equal(dockerHealthcheck('NONE'), { test: ['NONE'] });
});

test("a catalogue image's HEALTHCHECK and EXPOSE come from its Dockerfile stage chain and build args", () => {
  const sync = imageInfo('sidecar-lab/config-sync:any');
  assert.equal(sync?.healthcheck?.test, ['CMD', 'bun', '/opt/sidecar/health.mjs', '--ready'], 'inherited from sidecar-ready');
  assert.equal(imageInfo('sidecar-lab/tls-proxy:0.1.0')?.expose, [8443, 9901], 'PORTS from its image.yaml');
  assert.equal(imageInfo('sidecar-lab/etcd:dev')?.expose, [2379]);
  assert.is(imageInfo('docker.io/library/nginx:1'), undefined);
});

test('k8s FILE: a user’s compose file is named after its directory and read with the .env beside it, the caller’s environment winning', () => {
  const dir = join(root, 'My App');
  mkdirSync(dir);
  writeFileSync(join(dir, '.env'), 'TAG=from-dotenv\nPORT=1\n');
  writeFileSync(
    join(dir, 'compose.yaml'),
    'services:\n  web: { image: "web:${TAG}", environment: { P: "${PORT}", K: "${KEY:?set KEY}" } }\n  extra: { image: x, profiles: [debug] }\n',
  );
  const r = resolveFile(join(dir, 'compose.yaml'), 'My App/compose.yaml', { env: { PORT: '2' }, resolver: 'yaml' });
  assert.equal([r.stack, r.arg, r.file], ['my-app', 'My App/compose.yaml', 'My App/compose.yaml']);
  const web = r.model.services.web!;
  assert.is(web.image, 'web:from-dotenv');
  assert.equal(web.environment, { P: '2', K: runVarMarker('KEY') });
  const lines = convert(r).lines;
  assert.ok(
    lines.includes(
      `warning: My App/compose.yaml services.extra.profiles: debug: not active (npm run k8s -- My App/compose.yaml --profile debug): not converted`,
    ),
    lines.join('\n'),
  );
});

test.after(() => rmSync(root, { recursive: true, force: true }));
test.run();

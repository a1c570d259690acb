// identify's verdicts and findings on made-up files in the shapes real repositories use
// (test/fixtures/identify/), and the JSON output against its schema (docs/identify.schema.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../config.js';
import type { Report } from '../identify/model.js';
import { toJson } from '../identify/render.js';
import { identify } from '../identify/run.js';
import { classifyPod } from '../identify/pod.js';
import type { Member } from '../identify/model.js';
import { followsFiles, listenPorts, localTargets, remoteTarget, secretFlags } from '../identify/signals.js';

const test = suite('identify: verdicts and findings');
const FIX = join('test', 'fixtures', 'identify');
const run = (name: string): Report => identify([join(FIX, name)], ROOT);
const verdicts = (r: Report) =>
  Object.fromEntries(
    r.groups.flatMap((g) => g.containers.map((c) => [`${g.name}:${c.name}`, c.role ? `${c.pattern}/${c.role}` : c.pattern])),
  );
const rules = (r: Report) => r.findings.map((f) => `${f.rule}:${f.container ?? ''}`).sort();

test('a tunnel that owns the namespace is the sidecar and the services joining it are its apps; a shared data directory forms no group', () => {
  const r = run('vpn-namespace.compose.yaml');
  assert.equal(verdicts(r), {
    'network namespace of tunnel:tunnel': 'sidecar/vpn',
    'network namespace of tunnel:torrent': 'app',
    'network namespace of tunnel:indexer': 'app',
    'db:db': 'standalone',
    'web:web': 'standalone',
  });
  assert.ok(r.groups[0]!.containers[0]!.evidence.some((e) => e.includes('NET_ADMIN')));
});

test('a sidecar joined to the app’s own namespace: the bypass port, the namespace, the ordering, a single-file mount, signals without shared PIDs and a secret flag are found', () => {
  const r = run('app-namespace.compose.yaml');
  assert.equal(verdicts(r), {
    'network namespace of api:api': 'app',
    'network namespace of api:tls': 'sidecar/tls-proxy',
    'network namespace of api:exporter': 'adapter/metrics',
    'network namespace of api:reloader': 'sidecar/other',
  });
  assert.equal(rules(r), [
    'app-namespace:api',
    'bypass-port:tls',
    'no-healthcheck:exporter',
    'no-healthcheck:tls',
    'no-shared-pid:reloader',
    'not-healthy-first:api',
    'secret-flag:exporter',
    'single-file-mount:tls',
  ]);
  assert.ok(r.findings.every((f) => f.see && f.message && !f.message.includes('\n')));
});

test('an injected mesh: the redirecting init container, the proxy sidecar and the app; the Service is counted, not reported', () => {
  const r = run('injected-mesh.k8s.yaml');
  assert.equal(verdicts(r), {
    'Deployment/shop:mesh-init': 'init',
    'Deployment/shop:mesh-proxy': 'sidecar/mesh-proxy',
    'Deployment/shop:shop': 'app',
  });
  assert.equal(r.ignoredKinds, { Service: 1 });
});

test('in a List: a native sidecar lets its Job complete; the same proxy kept in a CronJob’s containers is an error', () => {
  const r = run('job-sidecars.k8s.yaml');
  assert.equal(verdicts(r), {
    'Job/native:db-proxy': 'native-sidecar/db-proxy',
    'Job/native:migrate': 'app',
    'CronJob/classic:db-proxy': 'ambassador/db-proxy',
    'CronJob/classic:report': 'app',
  });
  assert.equal(rules(r), ['job-sidecar:db-proxy']);
  assert.is(r.findings[0]!.severity, 'error');
});

test('a container that follows a file the app writes into a shared emptyDir is a log shipper, though both run busybox (flow-style YAML)', () => {
  assert.equal(verdicts(run('logging-pod.k8s.yaml')), { 'Pod/logs:writer': 'app', 'Pod/logs:streamer': 'sidecar/log-shipper' });
});

test('an app that reports to a tracing agent or collector on localhost stays the app, whichever is listed first', () => {
  assert.equal(verdicts(run('tracing-agent.k8s.yaml')), {
    'Deployment/orders:orders': 'app',
    'Deployment/orders:jaeger-agent': 'sidecar/other',
    'Deployment/billing:otel': 'sidecar/other',
    'Deployment/billing:billing': 'app',
  });
});

test('negatives: a proxy or an exporter alone in its pod is the app, and a resource with a spec-level image makes no group', () => {
  const r = run('negatives.k8s.yaml');
  assert.equal(verdicts(r), { 'Deployment/gateway:istio-proxy': 'app', 'Deployment/exporter:mysqld-exporter': 'app' });
  assert.equal(r.ignoredKinds, { Widget: 1 });
});

test('a container that only sleeps holds a pod’s namespaces; the app calls its egress proxy on localhost; a log volume couples a shipper to its server', () => {
  const r = run('pod-of-general-images.compose.yaml');
  assert.equal(verdicts(r), {
    'network namespace of holder:holder': 'pause',
    'network namespace of holder:egress': 'sidecar/mesh-proxy',
    'network namespace of holder:app': 'app',
    'volumes shared by web and shipper:web': 'app',
    'volumes shared by web and shipper:shipper': 'sidecar/log-shipper',
  });
  const app = r.groups[0]!.containers.find((c) => c.name === 'app')!;
  assert.ok(app.evidence.some((e) => e.startsWith('calls localhost:15001, where egress listens')));
  assert.is(r.groups[1]!.containers.find((c) => c.name === 'shipper')!.confidence, 'low');
});

test('services that share nothing are standalone whatever their images, and one others wait to complete is init', () => {
  assert.equal(verdicts(run('standalone.compose.yaml')), {
    'proxy:proxy': 'standalone',
    'log:log': 'standalone',
    'migrate:migrate': 'init',
    'app:app': 'standalone',
  });
});

test('the JSON output of every fixture validates against docs/identify.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(ROOT, 'docs', 'identify.schema.json'), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  const r = identify([FIX], ROOT);
  const out = JSON.parse(JSON.stringify(toJson(r))) as Record<string, unknown>;
  assert.ok(validate(out), JSON.stringify(validate.errors));
  assert.ok(r.groups.length >= 10 && r.findings.length >= 5);
  assert.not.ok(validate({ ...out, version: 2 }), 'a wrong version is refused');
});

test('property: the signals read from any command line and environment never throw, and a pod of any members gets one verdict each', () => {
  const word = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.constantFrom(
      '--port=8080',
      '--upstream=http://127.0.0.1:8080/',
      'localhost:5432',
      'tail',
      '-F',
      '/var/log/a.log',
      '--password',
      'x',
      'tcp-listen:9000',
      'db.example.com:5432',
    ),
  );
  const member = fc.record({
    name: fc.string({ minLength: 1, maxLength: 8 }),
    image: fc.constantFrom(
      '',
      'busybox',
      'nginx:1',
      'oliver006/redis_exporter',
      'gcr.io/cloud-sql-connectors/cloud-sql-proxy:2',
      'k8s.gcr.io/pause:3',
    ),
    argv: fc.array(word, { maxLength: 8 }),
    env: fc.dictionary(fc.string({ maxLength: 10 }), word, { maxKeys: 4 }),
    ports: fc.array(fc.constantFrom('8080', '5432', '9000'), { maxLength: 2 }),
    place: fc.constantFrom('container', 'native'),
  });
  fc.assert(
    fc.property(fc.uniqueArray(member, { selector: (m) => m.name, minLength: 1, maxLength: 5 }), (raw) => {
      const ms: Member[] = raw.map((m) => ({
        ...m,
        published: [],
        mounts: [],
        capAdd: [],
        devices: [],
        healthcheck: false,
        profiles: [],
        dependsOn: {},
      }));
      for (const m of ms) {
        listenPorts(m);
        localTargets(m);
        remoteTarget(m);
        secretFlags(m);
        followsFiles(m);
      }
      const d = classifyPod(ms);
      assert.is(d.size, ms.length);
    }),
    { numRuns: 300 },
  );
});

test.run();

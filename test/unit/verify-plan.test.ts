// verify's decisions before anything starts (scripts/lib/verify/plan.ts, args.ts): which services run, which
// are refused as privileged, and how a file is changed to run beside everything else. Pure: no engine.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parseVerifyArgs } from '../../scripts/lib/verify/args.js';
import {
  BadInput,
  type ComposeConfig,
  isolate,
  privilegedServices,
  refuseManifest,
  selectServices,
} from '../../scripts/lib/verify/plan.js';

const test = suite('verify: the plan');

const config = (): ComposeConfig => ({
  name: 'theirs',
  services: {
    pod: {
      image: 'pause',
      container_name: 'shop-pod',
      ports: [
        { target: 443, published: '443', protocol: 'tcp' },
        { target: 9000, host_ip: '0.0.0.0', protocol: 'tcp' },
        { target: 9100, host_ip: '127.0.0.1', protocol: 'tcp' },
      ],
    },
    app: { image: 'shop', network_mode: 'container:shop-pod', depends_on: { proxy: { condition: 'service_healthy' } } },
    proxy: { image: 'envoy', network_mode: 'service:pod' },
    db: { image: 'postgres', container_name: 'db' },
    admin: {
      image: 'tool',
      privileged: true,
      volumes: [{ type: 'bind', source: '/var/run/docker.sock', target: '/var/run/docker.sock' }],
      pid: 'host',
    },
  },
});

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.instance(e, BadInput);
    return (e as Error).message;
  }
  return assert.unreachable('it must refuse') as never;
};

test('isolate drops every container_name and makes every published port ephemeral on 127.0.0.1, saying which', () => {
  const c = config();
  const changes = isolate(c, ['pod', 'app', 'proxy']);
  assert.equal(changes, [
    'pod: container_name "shop-pod" dropped for this run',
    'pod: port 443 published on 443 → an ephemeral port on 127.0.0.1',
    'pod: port 9000 published on 0.0.0.0 → an ephemeral port on 127.0.0.1',
  ]);
  assert.equal(c.services.pod!.ports, [
    { target: 443, host_ip: '127.0.0.1', protocol: 'tcp' },
    { target: 9000, host_ip: '127.0.0.1', protocol: 'tcp' },
    { target: 9100, host_ip: '127.0.0.1', protocol: 'tcp' },
  ]);
  assert.not.ok('container_name' in c.services.pod!);
  assert.not.ok('name' in c, 'the run names the project');
});

test('isolate turns a join by a dropped container name into a join by service, and leaves out services not chosen', () => {
  const c = config();
  isolate(c, ['pod', 'app', 'proxy']);
  assert.is(c.services.app!.network_mode, 'service:pod');
  assert.equal(Object.keys(c.services), ['pod', 'app', 'proxy']);
});

test('the services asked for bring what they depend on and the namespaces they join, in file order', () => {
  assert.equal(selectServices(config(), ['app'], 'compose.yaml'), ['pod', 'app', 'proxy']);
  assert.equal(selectServices(config(), ['proxy'], 'compose.yaml'), ['pod', 'proxy']);
  assert.equal(selectServices(config(), [], 'compose.yaml'), ['pod', 'app', 'proxy', 'db', 'admin']);
});

test('an unknown --service is refused with the names the file has', () => {
  assert.is(
    refusal(() => selectServices(config(), ['web'], 'compose.yaml')),
    '--service web: no such service in compose.yaml (it has pod, app, proxy, db, admin)',
  );
});

test('privileged, the Docker socket and host namespaces are each named; other services are not', () => {
  assert.equal(privilegedServices(config(), ['pod', 'app', 'proxy', 'db', 'admin']), [
    'admin is privileged',
    'admin mounts the Docker socket (/var/run/docker.sock)',
    "admin is in the host's pid namespace (pid: host)",
  ]);
  assert.equal(privilegedServices(config(), ['pod', 'app']), []);
});

test('a Kubernetes manifest is refused with the tool that reads it; a compose file is not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verify-plan-'));
  try {
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: { name: x }\nspec: { containers: [] }\n');
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  a: { image: x }\n');
    assert.is(
      refusal(() => refuseManifest(join(dir, 'pod.yaml'))),
      'pod.yaml is a Kubernetes manifest: verify runs Compose files; `identify --strict` lints manifests',
    );
    refuseManifest(join(dir, 'compose.yaml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the command line: one FILE, repeatable --service and --set, text or junit', () => {
  assert.equal(parseVerifyArgs(['c.yaml', '--service', 'a', '--service', 'b', '--set', 'X=1=2', '--set', 'Y=', '--reporter', 'junit']), {
    file: 'c.yaml',
    services: ['a', 'b'],
    envFile: undefined,
    set: { X: '1=2', Y: '' },
    reporter: 'junit',
    output: undefined,
    keep: false,
    allowPrivileged: false,
  });
  assert.is(parseVerifyArgs(['--help']), undefined);
});

test('usage errors are one line each, naming the option and the rule', () => {
  assert.is(
    refusal(() => parseVerifyArgs([])),
    'give exactly one compose FILE (got 0)',
  );
  assert.is(
    refusal(() => parseVerifyArgs(['a.yaml', 'b.yaml'])),
    'give exactly one compose FILE (got 2)',
  );
  assert.is(
    refusal(() => parseVerifyArgs(['a.yaml', '--reporter', 'tap'])),
    '--reporter tap: must be text or junit',
  );
  assert.is(
    refusal(() => parseVerifyArgs(['a.yaml', '--set', '1X=2'])),
    '--set "1X=2": must be VAR=VALUE, with VAR a variable name',
  );
  assert.match(
    refusal(() => parseVerifyArgs(['a.yaml', '--frobnicate'])),
    /^Unknown option '--frobnicate'/,
  );
});

test.run();

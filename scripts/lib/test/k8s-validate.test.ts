import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { ConfigMap, Pod } from 'kubernetes-types/core/v1.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { K8sObject } from '../k8s/convert.js';
import { ruleErrors, schemaErrors, unknownFields, validateObject } from '../k8s/validate.js';

const test = suite('k8s validation: the official schema, then the strict check');

const labels = { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/part-of': 'sidecar-lab-demo' };
/** A valid Deployment with a native sidecar, to break one field at a time. */
function deployment(): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'demo', labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          shareProcessNamespace: true,
          initContainers: [
            {
              name: 'proxy',
              image: 'sidecar-lab/tls-proxy:test',
              restartPolicy: 'Always',
              startupProbe: { exec: { command: ['true'] }, periodSeconds: 1 },
            },
          ],
          containers: [{ name: 'app', image: 'sidecar-lab/legacy-greeter:test', imagePullPolicy: 'IfNotPresent' }],
          volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }],
        },
      },
    },
  };
}
const podSpec = (d: Deployment) => d.spec!.template.spec!;

test('a well-formed Deployment passes the schema, has no unknown field and breaks no rule', () => {
  assert.equal(validateObject(deployment()), []);
});

test('an unknown field (imagePullPolic) passes kubernetes-models, and the strict check names its path', () => {
  const d = deployment();
  Object.assign(podSpec(d).containers[0]!, { imagePullPolic: 'Always' });
  assert.equal(schemaErrors(d), [], 'kubernetes-models lets an unknown field through');
  assert.equal(unknownFields(d), ['/spec/template/spec/containers/0/imagePullPolic']);
  assert.equal(validateObject(d), ['Deployment/demo: /spec/template/spec/containers/0/imagePullPolic: unknown field']);
});

test("an init container's restartPolicy: Sometimes passes kubernetes-models, and the strict check rejects it", () => {
  const d = deployment();
  podSpec(d).initContainers![0]!.restartPolicy = 'Sometimes';
  assert.equal(schemaErrors(d), [], 'the schema has no enum for a container restartPolicy');
  const errors = ruleErrors(d).sort();
  assert.is(errors.length, 2, errors.join('\n'));
  assert.match(errors[0]!, /^\/spec\/template\/spec\/initContainers\/0\/restartPolicy: "Sometimes" is not allowed/);
  assert.match(errors[1]!, /^\/spec\/template\/spec\/initContainers\/0: a plain init container may not have startupProbe$/);
});

test('a bad enum the schema does carry (the pod restartPolicy: Sometimes) is rejected by the schema layer already', () => {
  const d = deployment();
  podSpec(d).restartPolicy = 'Sometimes';
  assert.match(schemaErrors(d).join(), /restartPolicy must be equal to one of the allowed values/);
  assert.ok(validateObject(d).length >= 1);
});

test('restartPolicy on a regular container, and an emptyDir medium other than Memory, are rejected', () => {
  const d = deployment();
  podSpec(d).containers[0]!.restartPolicy = 'Always';
  podSpec(d).volumes![0]!.emptyDir!.medium = 'Disk';
  assert.equal(schemaErrors(d), []);
  assert.equal(
    ruleErrors(d).map((e) => e.split(':')[0]),
    ['/spec/template/spec/containers/0/restartPolicy', '/spec/template/spec/volumes/0/emptyDir/medium'],
  );
});

test('unknown fields are found at every depth, in a Pod, a Service and a ConfigMap', () => {
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'x' }] } };
  Object.assign(pod.spec!, { restartPolicies: 'Never' });
  Object.assign(pod.spec!.containers[0]!, { securityContext: { readOnlyRootFS: true } });
  assert.equal(unknownFields(pod), ['/spec/containers/0/securityContext/readOnlyRootFS', '/spec/restartPolicies']);
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 's' },
    spec: { ports: [{ port: 80, targetport: 80 }] },
  } as unknown as K8sObject;
  assert.equal(unknownFields(svc), ['/spec/ports/0/targetport']);
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, datas: { a: 'b' } } as ConfigMap;
  assert.equal(unknownFields(cm), ['/datas']);
});

test('the keys of a map (labels, ConfigMap data) are data, not fields: none is reported unknown', () => {
  const cm: ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', labels: { 'any.key/at-all': 'v' }, annotations: { whatever: 'x' } },
    data: { 'app.schema.json': '{}', 'poll.sh': 'echo' },
    binaryData: { 'logo.png': 'iVBORw0KGgo=' },
  };
  assert.equal(validateObject(cm), []);
});

test('a kind the converter never emits is refused by name', () => {
  assert.equal(schemaErrors({ apiVersion: 'batch/v1', kind: 'Job' } as never), ['kind Job is not one the converter emits']);
});

test.run();

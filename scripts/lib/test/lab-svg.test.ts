// The snapshot a workshop exports for slides: one SVG document of a run's pods and timeline. It is well-formed
// XML (xmllint reads it), names every container of the pod, shows the run's events only, the lab's actions with
// their own glyph, and any text the engine sends, markup or control characters included, stays text.
import { spawnSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import type { LabEvent } from '../lab/hub.js';
import { snapshotSvg } from '../lab/page/svg.js';
import type { LabContainer, Stack } from '../lab/stacks.js';

const test = suite('lab page: the SVG snapshot');
const P = 'sl-https-0a0b0c';

const member = (service: string, role: string): LabContainer => ({
  name: `${P}-${service}-1`,
  id: service,
  service,
  role,
  state: 'running',
  health: 'healthy',
  image: 'x',
  pid: 1,
  startedAt: '',
  namespaces: { net: { inode: '4026532185', declared: 'service:pod' }, pid: { inode: '4026532184', declared: 'service:pod' } },
  ports: [],
  mounts: [],
});
const stack: Stack = {
  project: P,
  stack: 'https',
  pods: [
    {
      name: 'pod',
      owner: `${P}-pod-1`,
      containers: [member('pod', 'pause'), member('tls-proxy', 'tls-proxy'), member('app', 'app')],
      shared: [],
    },
  ],
};
const ev = (service: string, action: string, time: number, detail?: string, project = P): LabEvent => ({
  time,
  project,
  service,
  container: `${project}-${service}-1`,
  id: '',
  action,
  ...(detail ? { detail } : {}),
});

/** xmllint's verdict on a document: '' when it is well-formed. */
const xmllint = (svg: string) => spawnSync('xmllint', ['--noout', '-'], { input: svg, encoding: 'utf8' }).stderr;

test('the snapshot is well-formed SVG that names each container of the pod, with its lanes and the lab’s action among the events', () => {
  const events = [
    ev('tls-proxy', 'lab', 1000, 'kill SIGKILL (pid)'),
    ev('tls-proxy', 'die', 1100, '137'),
    ev('tls-proxy', 'health_status', 3000, 'healthy'),
    ev('db', 'die', 1200, '1', 'sl-other-111111'),
  ];
  const svg = snapshotSvg(stack, events, new Date(0));
  assert.is(xmllint(svg), '');
  assert.match(svg, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  for (const c of stack.pods[0]!.containers) assert.ok(svg.includes(`>${c.name}  ${c.role}  running, healthy  net:[4026532185]`), c.name);
  assert.ok(svg.includes('Timeline: 3 events'), 'only this run’s events');
  assert.ok(svg.includes('<title>lab action: kill SIGKILL (pid)</title>☛'));
  assert.ok(svg.includes('<title>die (exit 137)</title>✖'));
  assert.not.ok(svg.includes('sl-other'));
});

test('any text in an event or a name stays text in a well-formed document (property-based)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), (detail, role) => {
      const s: Stack = { ...stack, pods: [{ ...stack.pods[0]!, containers: [{ ...member('app', 'app'), role }] }] };
      const svg = snapshotSvg(s, [ev('app', 'lab', 1, detail)], new Date(0));
      assert.not.ok(/<script/i.test(svg));
      return xmllint(svg) === '';
    }),
    { numRuns: 60 },
  );
});

test.run();

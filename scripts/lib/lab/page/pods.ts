// The Pods view: a box per pod, the pause container (the owner of the namespaces) first, each member
// with its role, state and health (colour and words), its network and PID namespace inodes beside the
// mode its configuration declares, and each published port with its path through the pod.
import type { Namespace } from '../namespaces.js';
import type { LabContainer, Pod, StacksAnswer } from '../stacks.js';
import { h } from './dom.js';
import { portPath, sharing } from './lines.js';

const stateTone = (s: string) => (s === 'running' ? 'good' : s === 'restarting' || s === 'paused' || s === 'created' ? 'warn' : 'bad');
const healthTone = (s: string | null) => (s === 'healthy' ? 'good' : s === 'starting' ? 'warn' : s === null ? 'info' : 'bad');

function badge(tone: string, label: string, text: string) {
  return h('span', { class: `badge ${tone}` }, h('span', { class: 'label' }, `${label} `), text);
}

function namespace(pod: Pod, c: LabContainer, kind: 'net' | 'pid') {
  const ns: Namespace = c.namespaces[kind];
  const rel = sharing(pod, c, kind);
  const how = { owner: 'owns it', shared: 'shared with the pod', own: 'its own', unknown: 'not known' }[rel];
  const inode = ns.inode ? `${kind}:[${ns.inode}]` : `${kind}: unreadable (${ns.unreadable})`;
  return h(
    'div',
    { class: `ns ${rel === 'shared' || rel === 'owner' ? 'good' : rel === 'unknown' ? 'warn' : 'info'}` },
    h('span', { class: 'label' }, `${kind} `),
    h('code', {}, inode),
    ` ${how}; declared `,
    h('code', {}, ns.declared),
  );
}

function member(pod: Pod, c: LabContainer) {
  const isOwner = pod.owner === c.name;
  return h(
    'section',
    { class: `member${isOwner ? ' owner' : ''}`, 'aria-label': `${c.service}: ${c.state}${c.health ? `, ${c.health}` : ''}` },
    h('h4', {}, c.service, ' ', h('span', { class: 'role' }, c.role ?? 'role unknown')),
    h(
      'div',
      { class: 'badges' },
      badge(stateTone(c.state), 'state', c.state),
      badge(healthTone(c.health), 'health', c.health ?? 'no check'),
    ),
    namespace(pod, c, 'net'),
    namespace(pod, c, 'pid'),
    c.ports.length
      ? h(
          'div',
          { class: 'ports' },
          h('span', { class: 'label' }, 'ports '),
          h(
            'ul',
            {},
            c.ports.map((p) => h('li', { 'data-testid': 'port-path', class: p.unknown ? 'warn' : undefined }, h('code', {}, portPath(p)))),
          ),
        )
      : null,
    h('div', { class: 'meta' }, h('code', {}, c.name), ` pid ${c.pid || '–'} · ${c.image}`),
  );
}

function sharedDirs(p: Pod) {
  if (!p.shared.length) return null;
  const how = (m: Pod['shared'][number]['members'][number]) => `${m.service} at ${m.target} (${m.readOnly ? 'read-only' : 'read-write'})`;
  return h(
    'div',
    { class: 'shared' },
    h('span', { class: 'label' }, 'shared directories'),
    h(
      'ul',
      {},
      p.shared.map((d) => h('li', {}, h('code', {}, d.source), `: ${d.members.map(how).join(', ')}`)),
    ),
  );
}

export function podsView(answer: StacksAnswer | undefined): HTMLElement {
  if (!answer) return h('p', {}, 'Reading the engine…');
  if (answer.engine === 'unreachable')
    return h('p', { class: 'bad notice' }, `Engine unreachable: ${answer.reason ?? ''}. The lab connects when it comes back.`);
  if (!answer.stacks.length)
    return h('p', { class: 'notice' }, 'No sidecar-lab stack is up. Start one (npm run stack:https -- up) and it appears here.');
  return h(
    'div',
    {},
    answer.stacks.map((s) =>
      h(
        'section',
        { class: 'stack', 'aria-label': `stack ${s.stack}` },
        h('h2', {}, s.stack, ' ', h('code', {}, s.project)),
        h(
          'div',
          { class: 'pods' },
          s.pods.map((p) =>
            h(
              'article',
              {
                class: 'pod',
                tabindex: '0',
                'data-key': `${s.project}/${p.name}`,
                'aria-label': `pod ${p.name}, ${p.containers.length} container(s)`,
              },
              h('h3', {}, p.owner ? `pod: ${p.name}` : `${p.name} (a container alone)`),
              h(
                'div',
                { class: 'members' },
                p.containers.map((c) => member(p, c)),
              ),
              sharedDirs(p),
            ),
          ),
        ),
      ),
    ),
  );
}

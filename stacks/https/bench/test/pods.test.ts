import { parse } from 'yaml';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { podsCompose, podsMarkdown, type Reading, summarizePods } from '../pods.js';

const test = suite('bench:https-pods');

interface Service {
  network_mode?: string;
  pid?: string;
  ports?: string[];
  container_name?: string;
  image?: string;
}

test('each sidecar and its app join a pod of their own, and only pods publish, ephemeral, on 127.0.0.1', () => {
  const { services } = parse(podsCompose(3)) as { services: Record<string, Service> };
  const names = Object.keys(services);
  assert.is(names.length, 27, '3 pods of each of 3 kinds, 3 containers each');
  for (const [kind, port] of [
    ['ours', 8444],
    ['floor', 8450],
    ['nginx', 8445],
  ] as const)
    for (let i = 1; i <= 3; i++) {
      for (const member of [`app-${kind}-${i}`, `${kind}-${i}`]) {
        assert.is(services[member]!.network_mode, `service:pod-${kind}-${i}`, member);
        assert.is(services[member]!.pid, `service:pod-${kind}-${i}`, member);
        assert.is(services[member]!.ports, undefined, member);
      }
      assert.equal(services[`pod-${kind}-${i}`]!.ports, [`127.0.0.1::${port}`]);
    }
  assert.ok(
    names.every((n) => services[n]!.container_name === undefined),
    'no fixed container name',
  );
  assert.match(services['ours-1']!.image!, /^sidecar-lab\/tls-proxy:/);
  assert.match(services['floor-1']!.image!, /^sidecar-lab\/tls-proxy:/, 'the floor is a bare Bun of the same image');
  const floor = services['floor-1'] as Service & { entrypoint: string[]; volumes: string[] };
  assert.is(floor.entrypoint[0], '/opt/floor-bun/bun', "the floor runs Bun from another file than the image's");
  assert.ok(
    floor.volumes.includes('${FLOOR_BUN_DIR:?set FLOOR_BUN_DIR}:/opt/floor-bun:ro'),
    'that file is mounted, so the floor shares no runtime pages with tls-proxy',
  );
  assert.match(services['app-nginx-1']!.image!, /^sidecar-lab\/legacy-greeter:/, 'the app is of neither kind');
});

const reading = (kind: Reading['kind'], mb: number): Reading => ({
  kind,
  pss: mb * 1e6,
  pssAnon: mb * 0.6e6,
  pssFile: mb * 0.4e6,
  rss: mb * 3e6,
});

test('the totals are summed over each kind, the median is of one sidecar, and the goal is the ratio of the PSS totals', () => {
  const rows = summarizePods([
    reading('ours', 10),
    reading('ours', 14),
    reading('ours', 12),
    reading('floor', 9),
    reading('floor', 11),
    reading('nginx', 6),
    reading('nginx', 10),
  ]);
  assert.equal(
    rows.map((r) => [r.kind, r.count, r.pssMB, r.rssMB, r.medianPssMB]),
    [
      ['ours', 3, 36, 108, 12],
      ['floor', 2, 20, 60, 9],
      ['nginx', 2, 16, 48, 6],
    ],
  );
  const text = podsMarkdown(rows).join('\n');
  assert.match(text, '| total PSS of 3 tls-proxy sidecars ≤ 1.5× that of 2 nginx | 2.25× | **not met** |');
  assert.match(text, '| PSS, total | 36.0 | 20.0 | 16.0 | 2.25× | 1.25× |');
});

test('a ratio of 1.5 meets the goal, and a kind that was not measured makes it n/a', () => {
  assert.match(podsMarkdown(summarizePods([reading('ours', 15), reading('nginx', 10)])).join('\n'), '| 1.50× | met |');
  assert.match(podsMarkdown(summarizePods([reading('ours', 15)])).join('\n'), '| n/a | n/a |');
});

test.run();

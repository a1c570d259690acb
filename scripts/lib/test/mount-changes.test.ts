// apply's view of edited mounts: which services have a tracked file, under a bind mount inside the repository,
// modified after their container started.
import { mkdtempSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { changedServices, type Mounted, trackedTimes } from '../mount-changes.js';

const test = suite('mount changes');
const ROOT = '/repo';
const at = (times: Record<string, number[]>) => (s: string) => times[s] ?? [];

test('a service whose mounted file was edited after it started is named, and one started after the edit is not', () => {
  const mounted: Mounted[] = [
    { service: 'ambassador', startedAt: 1000, sources: ['/repo/stacks/patterns/ambassador'] },
    { service: 'app', startedAt: 3000, sources: ['/repo/stacks/patterns/ambassador'] },
  ];
  assert.equal(changedServices(mounted, ROOT, at({ '/repo/stacks/patterns/ambassador': [500, 2000] })), ['ambassador']);
});

test('mounts outside the repository, and the repository root itself, never count', () => {
  const mounted: Mounted[] = [
    { service: 'tls-proxy', startedAt: 1000, sources: ['/tmp/certs', '/repo'] },
    { service: 'other', startedAt: 1000, sources: ['/repository-next-door/x'] },
  ];
  const everywhere = () => [5000];
  assert.equal(changedServices(mounted, ROOT, everywhere), []);
});

test('each service is named once, in order, whatever the number of its changed mounts and containers', () => {
  const mounted: Mounted[] = [
    { service: 'b', startedAt: 1, sources: ['/repo/x', '/repo/y'] },
    { service: 'a', startedAt: 1, sources: ['/repo/x'] },
    { service: 'b', startedAt: 1, sources: ['/repo/y'] },
  ];
  assert.equal(
    changedServices(mounted, ROOT, () => [2]),
    ['a', 'b'],
  );
});

test('trackedTimes counts only the files git tracks under the path, not those a run wrote there', () => {
  const repo = mkdtempSync(join(tmpdir(), 'sl-mounts-'));
  mkdirSync(join(repo, 'conf'));
  writeFileSync(join(repo, 'conf', 'tracked.yml'), 'a: 1\n');
  execFileSync('git', ['init', '-q'], { cwd: repo });
  execFileSync('git', ['add', 'conf/tracked.yml'], { cwd: repo });
  writeFileSync(join(repo, 'conf', 'written-at-run-time.log'), 'x\n');
  utimesSync(join(repo, 'conf', 'tracked.yml'), 100, 100);
  assert.equal(trackedTimes(repo, join(repo, 'conf')), [100_000]);
});

test.run();

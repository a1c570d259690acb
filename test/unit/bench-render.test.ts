// The pinned-pod benches run through one driver (scripts/bench/driver.ts). Their checked-in runs prove the
// driver changed no figure and no word: each saved docs/bench-<id>.json, summarized again (--render), gives
// exactly the generated section in docs/benchmarks.md and the same JSON it was saved as.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Conditions } from '../../scripts/bench/conditions.js';
import { renderSaved, type PodBench, type Saved, type Setup } from '../../scripts/bench/driver.js';
import type { Settings } from '../../scripts/bench/measure.js';
import { BENCHMARKS_MD, generatedBody } from '../../scripts/bench/section.js';
import { ROOT } from '../../scripts/lib/config.js';
import { HTTPS_BENCH } from '../../stacks/https/bench/configure.js';
import { MESH_BENCH } from '../../stacks/mesh/bench/configure.js';

const test = suite('bench render');
const doc = readFileSync(BENCHMARKS_MD, 'utf8');
const savedOf = (id: string) => JSON.parse(readFileSync(join(ROOT, 'docs', `bench-${id}.json`), 'utf8')) as Saved;

/** The two proofs for one stack's bench: its report text, and its saved JSON. */
function proves<R, C extends Conditions & Settings, S extends Setup>(bench: PodBench<R, C, S>): void {
  const id = bench.section.id;
  test(`docs/bench-${id}.json renders through the one driver to exactly the bench:${id} section of docs/benchmarks.md`, () => {
    const section = generatedBody(doc, bench.section);
    assert.ok(section, `docs/benchmarks.md has a generated bench:${id} section`);
    assert.fixture(renderSaved(bench, savedOf(id)).body, section!);
  });

  test(`docs/bench-${id}.json summarized again saves the same JSON, every field and figure kept`, () => {
    const saved = savedOf(id);
    assert.equal(JSON.parse(JSON.stringify(renderSaved(bench, saved).json)), saved);
  });
}
proves(HTTPS_BENCH);
proves(MESH_BENCH);

test("bench:mesh's saved JSON keeps comparison.throughput.median and each member's rssLoadMB", () => {
  const { json } = renderSaved(MESH_BENCH, savedOf('mesh'));
  type Shape = { comparison: { throughput: { median: number } }; summaries: { members: { rssLoadMB: { median: number } }[] }[] };
  const j = JSON.parse(JSON.stringify(json)) as Shape;
  assert.ok(Number.isFinite(j.comparison.throughput.median), 'a measured throughput ratio');
  const members = j.summaries.flatMap((s) => s.members);
  assert.ok(members.length >= 5, `direct, and two members of each pair: ${members.length}`);
  assert.ok(
    members.every((m) => Number.isFinite(m.rssLoadMB.median)),
    'every member has its RSS under load',
  );
});

test.run();

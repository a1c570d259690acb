// identify on the corpus of real public files (../shared/corpus/identify beside the repository; CI has it):
// prints pooled sidecar-ish precision and recall, init precision and recall, exact-label and role accuracy,
// every container it gets wrong, and fails below the thresholds the issue sets.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { CORPUS, corpusPresent, precision, recall, scoreCorpus } from './identify-corpus.js';

const test = suite('identify on the corpus of real files');

if (!corpusPresent()) {
  test(`the corpus is not at ${CORPUS}: evaluation skipped`, () => {
    console.log(`identify corpus: SKIPPED, ${CORPUS} is absent`);
  });
} else {
  test('pooled sidecar-ish P/R, init P/R and exact label reach the thresholds; no expect-none case gets a sidecar; the Helm case is skipped', () => {
    const s = scoreCorpus();
    const f = (x: number) => x.toFixed(3);
    console.log(
      [
        `identify corpus: pooled sidecar-ish precision ${f(precision(s.pooled))} recall ${f(recall(s.pooled))} (${JSON.stringify(s.pooled)})`,
        `  init precision ${f(precision(s.init))} recall ${f(recall(s.init))}`,
        `  exact label ${f(s.exact.right / s.exact.total)} (${s.exact.right}/${s.exact.total}), role ${f(s.role.right / s.role.total)} (${s.role.right}/${s.role.total})`,
        ...s.wrong.map((w) => `  wrong: ${w}`),
        ...s.caseFailures.map((w) => `  case: ${w}`),
      ].join('\n'),
    );
    assert.ok(s.exact.total >= 100, `only ${s.exact.total} labelled containers matched`);
    assert.ok(precision(s.pooled) >= 0.95, 'pooled precision');
    assert.ok(recall(s.pooled) >= 0.95, 'pooled recall');
    assert.ok(precision(s.init) >= 0.95 && recall(s.init) >= 0.95, 'init precision and recall');
    assert.ok(s.exact.right / s.exact.total >= 0.9, 'exact label');
    assert.equal(s.caseFailures, []);
  });
}

test.run();

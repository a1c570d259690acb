import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { shellCommands } from '../../scripts/lib/lesson.js';
import { loadScenario, stackNames } from '../../scripts/lib/scenarios.js';

const readme = suite('stack READMEs');

/** The `✔ N. name` lines of a README's "Expected result" section. */
function expectedLines(stack: string): string[] {
  const text = readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith('Expected result')) ?? '';
  return [...section.matchAll(/^\s*✔ \d+\. (.+)$/gm)].map((m) => m[1]!.trim());
}

readme('there is at least one stack with a scenario', () => {
  assert.ok(stackNames().length >= 1, 'no stacks/<name>/scenario.ts found');
});

for (const stack of stackNames()) {
  readme(`the ${stack} README lists exactly the checks its scenario asserts, in order`, async () => {
    const checks = (await loadScenario(stack)).checks.map((c) => c.name);
    assert.ok(checks.length > 0, `${stack} has no checks`);
    assert.equal(expectedLines(stack), checks);
    const section = readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8')
      .split(/^## /m)
      .find((s) => s.startsWith('Expected result'));
    assert.match(section ?? '', '(../../docs/lab.md)', 'it says that the lab’s check of the pods follows');
    assert.match(section ?? '', '(../../docs/verify.md)', 'it says that verify’s checks of the pod follow');
  });
}

/** A `<…>` a reader would have to fill in by hand, outside HTML comments (a generated block's markers). */
const placeholders = (text: string) => [...text.replace(/<!--[\s\S]*?-->/g, '').matchAll(/<[^<>\n]+>/g)].map((m) => m[0]);

readme('a placeholder is found in an Exercises text, and a generated block’s markers are not one', () => {
  assert.equal(placeholders('curl --cacert <ca> https://127.0.0.1:<port>/'), ['<ca>', '<port>']);
  assert.equal(placeholders('<!-- BEGIN exercises -->\n1. `npm run stack:https -- urls`\n<!-- END exercises -->'), []);
});

for (const stack of stackNames()) {
  readme(`the ${stack} lesson's Exercises need nothing copied in by hand: no <…> placeholder`, () => {
    const section = readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8')
      .split(/^## /m)
      .find((s) => s.startsWith('Exercises'));
    assert.equal(placeholders(section ?? ''), [], `${stack}: placeholders in its Exercises section`);
  });
  readme(`the ${stack} lesson's commands to type need nothing copied in by hand: no <…> placeholder in a shell block`, () => {
    const lines = shellCommands(readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8')).map((c) => c.line);
    assert.ok(lines.length > 0, `${stack}: its lesson has commands to type`);
    assert.equal(
      lines.filter((l) => placeholders(l).length),
      [],
      `${stack}: commands with a placeholder`,
    );
  });
}

/** A `## ` section's text, without its heading line ('' when the lesson has none). */
const sectionOf = (text: string, title: string) =>
  (text.split(/^## /m).find((s) => s.split('\n')[0]!.trim() === title) ?? '').split('\n').slice(1).join('\n');

/** A Recap's items: each numbered question in bold, and the text of the <details> block that follows it. */
function recapItems(section: string): { question: string; answer: string }[] {
  return [...section.matchAll(/^\d+\. \*\*(.+?)\*\*\s*\n\s*<details><summary>Answer<\/summary>\s*\n([\s\S]*?)<\/details>/gm)].map((m) => ({
    question: m[1]!,
    answer: m[2]!.trim(),
  }));
}

readme('a Recap item is a bold question with its answer in a folded <details> block; one without an answer is not', () => {
  const ok = '1. **Why?**\n\n   <details><summary>Answer</summary>\n\n   Because.\n\n   </details>\n';
  assert.equal(recapItems(ok), [{ question: 'Why?', answer: 'Because.' }]);
  assert.equal(recapItems('1. **Why?**\n\n   Because.\n'), []);
});

for (const stack of stackNames()) {
  readme(`the ${stack} lesson opens with three Objectives and its Time, and ends with a Recap of three folded answers`, () => {
    const text = readFileSync(join(ROOT, 'stacks', stack, 'README.md'), 'utf8');
    const headings = [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]!.trim());
    assert.equal(headings.slice(0, 3), ['Objectives', 'Time', 'The problem'], `${stack}: Objectives and Time come first`);
    assert.ok(headings.indexOf('Recap') > headings.indexOf('Expected result'), `${stack}: a Recap after the lesson`);
    const objectives = [...sectionOf(text, 'Objectives').matchAll(/^- (.+)$/gm)].map((m) => m[1]!);
    assert.is(objectives.length, 3, `${stack}: three objectives`);
    for (const o of objectives) assert.match(o, /^[A-Z].{20,}\.$/, `${stack}: an objective is a sentence: ${o}`);
    assert.match(sectionOf(text, 'Time'), /\*\*\d+ minutes\*\*/, `${stack}: its Time in minutes`);
    const recap = sectionOf(text, 'Recap');
    const items = recapItems(recap);
    assert.is(items.length, 3, `${stack}: three Recap questions, each with its answer folded away`);
    assert.is((recap.match(/^\d+\. /gm) ?? []).length, 3, `${stack}: nothing else numbered in the Recap`);
    for (const { question, answer } of items) {
      assert.match(question, /\?$/, `${stack}: a Recap question ends in a question mark: ${question}`);
      assert.ok(answer.length > 40, `${stack}: the answer to "${question}" says something`);
    }
  });
}

readme.run();

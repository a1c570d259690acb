// Check 10: the commands the lesson tells a reader to type (its ```sh blocks) work on the running
// stack, so no README command goes stale. Those that need a reader (placeholders, watch, logs -f)
// and those the runner itself runs (stack:*, bench:*) are left out; the rest run here, in order.
import { $ } from 'zx';
import { expect, type Check } from '../../scripts/lib/check.js';
import { ROOT } from '../../scripts/lib/config.js';
import type { StackContext } from '../../scripts/lib/lifecycle.js';
import { lessonOf, nodeCommandOf, npmScript, shellCommands } from '../../scripts/lib/lesson.js';
import { note } from './support.js';

/** The lesson's runnable `npm run config -- …` lines of "Run it" (the exercises edit files). `baseline`
 * is left out: it adds a profile's pod to the stack under test; bench:config starts it the same way. */
export const lessonLines = () =>
  shellCommands(lessonOf('config')).filter((c) => c.kind === 'runnable' && c.section === 'Run it' && !/ -- baseline$/.test(c.line));

export const lessonCommands: Check<StackContext> = {
  name: 'the lesson’s npm run config commands (get, set, history, rollback, rollback N) work on the running stack',
  async run(ctx) {
    const lines = lessonLines();
    expect.ok(
      lines.length >= 5,
      'runnable commands found in the lesson',
      '>= 5',
      lines.map((c) => c.line),
    );
    for (const { line } of lines) {
      const npm = npmScript(line);
      expect.ok(npm?.script === 'config', `${line} is an npm run config command`, 'npm run config -- …', line);
      // The same node command the npm script runs, without its build step (the tree is built), on this run's stack.
      const r = await $({
        cwd: ROOT,
        quiet: true,
        nothrow: true,
      })`node ${nodeCommandOf('config')} ${npm!.args} --project ${ctx.project.name}`;
      expect.equal(r.exitCode, 0, `exit code of: ${line} (stderr: ${r.stderr.trim().slice(-300)})`);
    }
    note(`ran ${lines.length} lesson commands: ${lines.map((c) => c.line.replace(/^npm run config -- /, '')).join(' · ')}`);
  },
};

// What command lines hand their programs in a given shell, without running any of them: the shell runs with an
// empty PATH, so every program it would start is not found, and its not-found hook (bash's
// command_not_found_handle, zsh's command_not_found_handler) records that program's words instead. Builtins
// (eval, printf, for, a variable's assignment) run as written, in a directory of their own. One shell reads
// every line, each evaluated in a subshell of its own, so that one line's failure or variables never reach the next.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ShellRun {
  /** The line's exit status in that shell. */
  status: number;
  /** One entry per program started, its words each in brackets, sorted (the stages of a pipe start in any order). */
  programs: string[];
  stderr: string;
}

/** Records "$@" of each program not found as one line, in one write (the stages of a pipe write at once), into
 * the file $words names. */
const hook = (name: string) => `${name}() { r=; for w in "$@"; do r="$r"'['"$w"']'; done; printf '%s\\n' "$r" >> "$words"; return 0; }`;

/** Runs each of `lines` in `shell` (an absolute path to bash or zsh) with no program on PATH. */
export function programWords(shell: string, lines: string[]): ShellRun[] {
  const zsh = /zsh$/.test(shell);
  const dir = mkdtempSync(join(tmpdir(), 'sl-shell-words-'));
  const f = (kind: string, i: number) => join(dir, `${kind}.${i}`);
  try {
    const script = [hook(zsh ? 'command_not_found_handler' : 'command_not_found_handle')];
    for (const [i, line] of lines.entries()) {
      writeFileSync(f('line', i), line);
      writeFileSync(f('words', i), '');
      script.push(
        `words='${f('words', i)}'; ( eval "$(<'${f('line', i)}')" ) </dev/null 2>'${f('stderr', i)}'; echo $? >'${f('status', i)}'`,
      );
    }
    // zsh -f reads no startup file, as bash -c reads none.
    const r = spawnSync(shell, zsh ? ['-f', '-c', script.join('\n')] : ['-c', script.join('\n')], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
      env: { PATH: join(dir, 'no-programs'), HOME: dir },
    });
    if (r.error) throw r.error;
    return lines.map((_, i) => {
      if (!existsSync(f('status', i))) throw new Error(`${shell} stopped before line ${i + 1}: ${r.stderr}`);
      return {
        status: Number(readFileSync(f('status', i), 'utf8')),
        programs: readFileSync(f('words', i), 'utf8').split('\n').filter(Boolean).sort(),
        stderr: readFileSync(f('stderr', i), 'utf8').trim(),
      };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

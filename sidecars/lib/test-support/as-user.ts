// Running a compiled sidecar as another user (nobody) from a test that runs as root. That user must reach
// the runtime and the compiled code: a clone under /root (mode 0700) is out of its reach, and the spawn
// fails with EACCES. Then the runtime and dist/sidecars are staged in a directory anyone can enter.
import { chmodSync, copyFileSync, cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';

/** True when every directory above file can be entered by others (o+x). */
export function reachableByOthers(file: string): boolean {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dirname(dir) === dir) return true;
  }
}

export interface Staged {
  bin: string;
  main: string;
  /** Removes what was staged (nothing when nothing was). */
  remove(): void;
}

/** The runtime and main as another user can run them: in place when it can reach them, else copied to a tmp dir. */
export function stageForOthers(main: string, bin = process.execPath): Staged {
  if (reachableByOthers(bin) && reachableByOthers(main)) return { bin, main, remove: () => undefined };
  const tree = main.slice(0, main.lastIndexOf(`${sep}sidecars${sep}`) + `${sep}sidecars`.length); // dist/sidecars
  const dir = mkdtempSync(join(tmpdir(), 'sidecar-as-user-'));
  chmodSync(dir, 0o755);
  cpSync(tree, join(dir, 'sidecars'), { recursive: true });
  copyFileSync(bin, join(dir, 'bun'));
  chmodSync(join(dir, 'bun'), 0o755);
  return {
    bin: join(dir, 'bun'),
    main: join(dir, 'sidecars', relative(tree, main)),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

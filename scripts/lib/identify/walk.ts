// The YAML files under the paths identify is given: directories walked (no .git, node_modules or vendored
// trees; a symlinked directory is never entered, so no loop), each file named as the user would type it.
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const SKIP_DIRS = new Set(['.git', 'node_modules', 'vendor', 'third_party', 'bower_components', '.venv', '__pycache__']);
const YAML = /\.ya?ml$/i;

export interface Found {
  /** The path as shown: the argument joined with the walk. */
  shown: string;
  /** The path on disk. */
  abs: string;
}

export interface Walked {
  files: Found[];
  skipped: { path: string; reason: string }[];
}

/** YAML files under a directory (sorted, so the output does not depend on the file system's order). */
export function walk(dirAbs: string, dirShown: string, out: Walked, depth = 0): void {
  if (depth > 64) {
    out.skipped.push({ path: dirShown, reason: 'directories nested deeper than 64: not walked' });
    return;
  }
  let names: string[];
  try {
    names = readdirSync(dirAbs).sort();
  } catch (e) {
    out.skipped.push({ path: dirShown, reason: `cannot list: ${(e as NodeJS.ErrnoException).code ?? 'error'}` });
    return;
  }
  for (const name of names) {
    const abs = join(dirAbs, name);
    const shown = join(dirShown, name);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(abs);
    } catch {
      continue;
    }
    if (st.isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(abs, shown, out, depth + 1);
    } else if (YAML.test(name)) {
      // symlinks, FIFOs and devices named .yaml go to the reader, which refuses them with a reason
      out.files.push({ shown, abs });
    }
  }
}

// What makes a shell command the reader types work on macOS (BSD tools, zsh) as on Linux (GNU tools, bash): no
// flag only GNU's tools know. Only what runs on the reader's machine is judged: the words after `docker exec`,
// `docker run`, `docker compose … exec|run` or a stack verb's `exec` run in a Linux container, where GNU is right.

export interface GnuFlag {
  /** The program and flag, as written. */
  found: string;
  /** Why it fails on macOS, and what works on both. */
  why: string;
}

interface Rule {
  program: string;
  flag: (word: string) => boolean;
  why: string;
}

const cluster = (letter: string) => (w: string) => new RegExp(`^-[a-zA-Z]*${letter}[a-zA-Z]*$`).test(w);
const RULES: Rule[] = [
  {
    program: 'sed',
    flag: (w) => /^-[a-zA-Z]*i$/.test(w) || w === '--in-place',
    why: 'BSD sed takes the next word as the backup suffix: give one (sed -i.bak), or write to a new file',
  },
  {
    program: 'sed',
    flag: (w) => cluster('r')(w) || w === '--regexp-extended',
    why: 'BSD sed spells extended regexps -E (GNU sed takes -E too)',
  },
  { program: 'grep', flag: (w) => cluster('P')(w) || w === '--perl-regexp', why: 'BSD grep has no Perl regexps: use grep -E' },
  {
    program: 'readlink',
    flag: (w) => cluster('f')(w) || w.startsWith('--canonicalize'),
    why: 'older macOS readlink has no -f: use cd DIR && pwd -P',
  },
  {
    program: 'date',
    flag: (w) => w === '-d' || w.startsWith('--date'),
    why: 'BSD date parses a date with -j -f FORMAT: compute it in Node instead',
  },
  { program: 'xargs', flag: (w) => cluster('r')(w) || w === '--no-run-if-empty', why: 'xargs -r is GNU’s: guard the input instead' },
  { program: 'stat', flag: (w) => w === '-c' || w.startsWith('--format'), why: 'BSD stat formats with -f' },
  { program: 'find', flag: (w) => w === '-printf', why: 'BSD find has no -printf: use -exec or -print' },
  { program: 'base64', flag: (w) => /^-[a-zA-Z]*w/.test(w) || w.startsWith('--wrap'), why: 'BSD base64 wraps with -b' },
];

/** Stands for an operator between simple commands (| & ; ( )) in the words of a line. */
const SEP = '\0';

/** The words of a command line, quotes removed; `$(…)` inside double quotes is returned apart, in `inner`. */
export function words(line: string): { words: string[]; inner: string[] } {
  const out: string[] = [];
  const inner: string[] = [];
  let cur = '',
    has = false;
  const push = () => {
    if (has) out.push(cur);
    cur = '';
    has = false;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      cur += line.slice(i + 1, end < 0 ? line.length : end);
      has = true;
      i = end < 0 ? line.length : end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\') j++;
        else if (line.startsWith('$(', j)) {
          let depth = 0,
            k = j + 1;
          for (; k < line.length; k++) {
            if (line[k] === '(') depth++;
            else if (line[k] === ')' && --depth === 0) break;
          }
          inner.push(line.slice(j + 2, k));
          j = k;
        }
      }
      cur += line.slice(i + 1, j);
      has = true;
      i = j;
    } else if (c === '\\') {
      cur += line[++i] ?? '';
      has = true;
    } else if (/\s/.test(c)) push();
    else if ('|&;()'.includes(c)) {
      push();
      out.push(SEP);
    } else {
      cur += c;
      has = true;
    }
  }
  push();
  return { words: out, inner };
}

/** Where a simple command hands the rest of its words to a container. */
function toContainer(ws: string[]): number {
  const dash = ws.indexOf('--');
  if (ws[0] === 'npm' && dash > 0 && ws[dash + 1] === 'exec') return dash + 1;
  if (ws[0] === 'docker') {
    const at = ws.findIndex((w, i) => i > 0 && (w === 'exec' || w === 'run'));
    if (at > 0) return at;
  }
  return ws.length;
}

/** The GNU-only flags in one command line (and in the commands it substitutes or hands to sh -c). */
export function gnuOnlyFlags(line: string): GnuFlag[] {
  const { words: ws, inner } = words(line);
  const found: GnuFlag[] = inner.flatMap(gnuOnlyFlags);
  const simple: string[][] = [[]];
  for (const w of ws) {
    if (w === SEP) simple.push([]);
    else simple.at(-1)!.push(w);
  }
  for (const cmd of simple) {
    let ownWords = cmd.slice(0, toContainer(cmd));
    while (/^[A-Za-z_][A-Za-z0-9_]*=/.test(ownWords[0] ?? '')) ownWords = ownWords.slice(1); // VAR=value prefixes
    const [program, ...args] = ownWords;
    if (!program) continue;
    const shell = ['sh', 'bash', 'zsh'].includes(program) ? args.indexOf('-c') : -1;
    if (shell >= 0 && args[shell + 1]) found.push(...gnuOnlyFlags(args[shell + 1]!));
    for (const r of RULES.filter((x) => x.program === program))
      for (const a of args.filter(r.flag)) found.push({ found: `${program} ${a}`, why: r.why });
  }
  return found;
}

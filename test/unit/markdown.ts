// The repository's Markdown files and what they name, for the tests that keep the docs true of the tree:
// the repository paths in their prose and code, their relative links, and the anchors of their headings.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ROOT } from '../../scripts/lib/config.js';

export const read = (rel: string) => readFileSync(join(ROOT, rel), 'utf8');

/** The tree: files git tracks, or would track (new and not ignored), that are on disk. */
export function treeFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && existsSync(join(ROOT, f)));
}

export const markdownFiles = (files = treeFiles()) => files.filter((f) => f.endsWith('.md'));

/** Every file of the tree, and every folder of it with a trailing slash. */
export function treeEntries(files: string[]): Set<string> {
  const out = new Set(files);
  for (const f of files) {
    const parts = f.split('/');
    for (let i = 1; i < parts.length; i++) out.add(`${parts.slice(0, i).join('/')}/`);
  }
  return out;
}

/** The top-level folders of the tree: a word that starts with one of them names a repository path. */
export const topFolders = (files: string[]) => [...new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]!))].sort();

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Lines outside fenced code blocks, with their 1-based numbers. */
function prose(text: string): [number, string][] {
  let fenced = false;
  const out: [number, string][] = [];
  text.split('\n').forEach((line, i) => {
    if (/^\s*```/.test(line)) fenced = !fenced;
    else if (!fenced) out.push([i + 1, line]);
  });
  return out;
}

export interface Named {
  line: number;
  path: string;
}

/** The repository paths a Markdown text names, in prose and in code: words that start with a top-level
 * folder, without a #fragment, a :line or the punctuation that ends a sentence. A word inside another
 * path or a URL (after `/`, `.` or a letter) is not one. */
export function namedPaths(text: string, tops: string[]): Named[] {
  const word = new RegExp(`(?<![\\w./<>*-])(?:${tops.map(escape).join('|')})/[^\\s\`'"()[\\],;|]*`, 'g');
  const out: Named[] = [];
  text.split('\n').forEach((line, i) => {
    for (const [w] of line.matchAll(word)) {
      const path = w
        .replace(/#.*$/, '')
        .replace(/:\d+$/, '')
        .replace(/(?:\.\.\.|[….:*])+$/, '');
      out.push({ line: i + 1, path });
    }
  });
  return out;
}

/** A named path as a pattern over tree entries: a `<placeholder>` or `*` is one path segment (or part of
 * one), `**` any depth; a path without a trailing slash may be a file or a folder. */
export function pathPattern(path: string): RegExp {
  const body = path
    .split(/(<[^>/]+>|\*\*|\*)/)
    .map((piece) => (piece === '**' ? '.*' : piece === '*' ? '[^/]*' : piece.startsWith('<') ? '[^/]+' : escape(piece)))
    .join('');
  return new RegExp(`^${body}${path.endsWith('/') ? '' : '/?'}$`);
}

/** Whether the tree holds what a path names, from the repository root or from the folder of the file that
 * names it (a sidecar README's `test/…` is the sidecar's). */
export function inTree(path: string, from: string, entries: Set<string>): boolean {
  return [path, join(dirname(from), path)].some((p) => {
    if (entries.has(p) || entries.has(`${p}/`)) return true;
    const pattern = pathPattern(p);
    return /[<*]/.test(p) && [...entries].some((e) => pattern.test(e));
  });
}

/** The paths git ignores (build output such as dist/ and vendor/, and run state): a fresh clone has none of them. */
export function ignored(paths: string[]): Set<string> {
  const r = spawnSync('git', ['check-ignore', '--stdin'], { cwd: ROOT, input: paths.join('\n'), encoding: 'utf8' });
  return new Set(r.stdout.split('\n').filter(Boolean));
}

/** The text of each heading of a level (outside code blocks), in order. */
export const headings = (text: string, level: number) =>
  prose(text)
    .map(([, line]) => new RegExp(`^#{${level}}\\s+(.*?)\\s*#*$`).exec(line)?.[1])
    .filter((h): h is string => h !== undefined);

/** GitHub's anchor of each heading: lower case, punctuation dropped, spaces as hyphens; a repeat gets -1, -2. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, line] of prose(text)) {
    const h = /^#{1,6}\s+(.*?)\s*$/.exec(line)?.[1];
    if (h === undefined) continue;
    const slug = h
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

export interface Link {
  line: number;
  /** The repository path it leads to (normalized from the file's folder), and its #anchor if any. */
  target: string;
  anchor?: string;
}

/** The relative links of a Markdown file (`[text](target)` outside code blocks); URLs are left out. */
export function links(text: string, from: string): Link[] {
  const out: Link[] = [];
  for (const [line, l] of prose(text)) {
    for (const [, href] of l.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z][\w+.-]*:/i.test(href!)) continue;
      const [path, anchor] = href!.split('#') as [string, string | undefined];
      out.push({ line, target: path ? normalize(join(dirname(from), path)) : from, anchor });
    }
  }
  return out;
}

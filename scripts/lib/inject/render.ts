// Prints an edited YAML Document back as text, keeping the source's bytes wherever the edit changed nothing.
// yaml's own toString keeps comments and key order, but re-spaces what it prints (aligned comments, `[ a ]`
// padding, indentation). So every block-map entry the edit left alone is copied from the source as its
// lines (with the comment and blank lines above it), and only new or changed entries are printed by yaml,
// in the file's own style. A result that does not parse back to the edited document is replaced by yaml's
// toString (comments and key order kept, spacing not); `exact` says which one the caller got.
import { isDeepStrictEqual } from 'node:util';
import {
  Document,
  isAlias,
  isCollection,
  isMap,
  isPair,
  isScalar,
  isSeq,
  type Node,
  Pair,
  parse,
  Scalar,
  visit,
  YAMLMap,
  YAMLSeq,
} from 'yaml';

export interface Style {
  indent: number;
  indentSeq: boolean;
  flowCollectionPadding: boolean;
}

/** An entry's lines in the source: [start, end), its key's line and column; for a block map value, where its entries start. */
interface Chunk {
  start: number;
  end: number;
  col: number;
  head?: number;
  childCol?: number;
}

const indentOf = (line: string) => line.length - line.trimStart().length;
/** Blank lines, and comments no deeper than the key below them, belong to that key. */
const loose = (line: string, col: number) => line.trim() === '' || (line.trimStart().startsWith('#') && indentOf(line) <= col);
const shift = (lines: string[], by: number) =>
  by >= 0 ? lines.map((l) => (l && by ? ' '.repeat(by) + l : l)) : lines.map((l) => l.slice(Math.min(-by, indentOf(l))));

export class Source {
  readonly lines: string[];
  readonly style: Style;
  private readonly lineStarts: number[] = [0];
  private readonly chunks = new Map<unknown, Chunk>();
  private readonly snap = new Map<unknown, unknown>();
  private top?: { first: number; col: number };
  private indents: number[] = [];

  constructor(text: string, doc: Document) {
    this.lines = text.split('\n');
    if (this.lines.at(-1) === '') this.lines.pop();
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
    if (isMap(doc.contents) && !doc.contents.flow) this.top = this.register(doc.contents, 0, this.lines.length);
    visit(doc, (_, node) => {
      if (isCollection(node)) this.snap.set(node, [...node.items]);
      else if (isPair(node)) this.snap.set(node, [node.key, node.value]);
      else if (isScalar(node)) this.snap.set(node, node.value);
    });
    this.style = { indent: this.indents[0] ?? 2, indentSeq: this.seqIndented(), flowCollectionPadding: this.padded() };
  }

  private lineOf(offset: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Records the chunk of every entry of a block map that spans lines [from, to); returns where its first entry starts. */
  private register(map: YAMLMap, from: number, to: number): { first: number; col: number } | undefined {
    const items = map.items as Pair<Node | null, unknown>[];
    const offsets = items.map((p) => p.key?.range?.[0]);
    if (!items.length || offsets.some((o) => o === undefined)) return undefined;
    const keyLines = offsets.map((o) => this.lineOf(o!));
    if (keyLines.some((l, i) => l < from || l >= to || (i > 0 && l <= keyLines[i - 1]!))) return undefined;
    const col = offsets[0]! - this.lineStarts[keyLines[0]!]!;
    const starts = keyLines.map((line, i) => {
      let s = line;
      const floor = i ? keyLines[i - 1]! + 1 : from;
      while (s > floor && loose(this.lines[s - 1]!, col)) s--;
      return s;
    });
    items.forEach((p, i) => {
      const chunk: Chunk = { start: starts[i]!, end: i + 1 < items.length ? starts[i + 1]! : to, col };
      if (isMap(p.value) && !p.value.flow) {
        const inner = this.register(p.value, keyLines[i]! + 1, chunk.end);
        if (inner) [chunk.head, chunk.childCol] = [inner.first, inner.col];
        if (inner && inner.col > col) this.indents.push(inner.col - col);
      }
      this.chunks.set(p, chunk);
    });
    return { first: starts[0]!, col };
  }

  /** Whether sequences under a key are indented (`key:\n  - a`) in this file. */
  private seqIndented(): boolean {
    for (let i = 0; i + 1 < this.lines.length; i++) {
      const next = this.lines.slice(i + 1).find((l) => !loose(l, Number.POSITIVE_INFINITY));
      if (/^\s*[\w.-]+:\s*(#.*)?$/.test(this.lines[i]!) && next?.trimStart().startsWith('- '))
        return indentOf(next) > indentOf(this.lines[i]!);
    }
    return true;
  }

  /** Whether flow collections are written `[ a ]` rather than `[a]` in this file. */
  private padded(): boolean {
    const text = this.lines.filter((l) => !l.trimStart().startsWith('#')).join('\n');
    return (text.match(/[[{] [^\s\]}]/g)?.length ?? 0) > (text.match(/[[{][^\s\]}[{]/g)?.length ?? 0);
  }

  /** True when a node, and everything under it, is as it was parsed. */
  private clean(node: unknown): boolean {
    if (node === null || node === undefined || isAlias(node)) return true;
    if (!this.snap.has(node)) return false;
    const was = this.snap.get(node);
    if (isScalar(node)) return node.value === was;
    if (isPair(node)) {
      const [k, v] = was as unknown[];
      return node.key === k && node.value === v && this.clean(node.key) && this.clean(node.value);
    }
    if (isCollection(node)) {
      const items = was as unknown[];
      return items.length === node.items.length && items.every((x, i) => x === node.items[i]) && node.items.every((x) => this.clean(x));
    }
    return false;
  }

  private options() {
    return { ...this.style, lineWidth: 0, minContentWidth: 0, verifyAliasOrder: false };
  }

  /** A pair printed by yaml at column `col`. */
  private fresh(pair: Pair, col: number): string[] {
    const tmp = new Document(new YAMLMap(), { merge: true });
    (tmp.contents as YAMLMap).items.push(pair);
    const lines = tmp.toString(this.options()).replace(/\n$/, '').split('\n');
    const blank = isScalar(pair.key) && pair.key.spaceBefore && lines[0] !== '' ? [''] : [];
    return shift([...blank, ...lines], col);
  }

  private pair(p: Pair, col: number): string[] {
    const c = this.chunks.get(p);
    if (c && this.clean(p)) return shift(this.lines.slice(c.start, c.end), col - c.col);
    const [k, v] = (this.snap.get(p) as unknown[] | undefined) ?? [];
    const same = c && k === p.key && v === p.value && this.clean(p.key);
    const seq = p.value;
    if (same && isSeq(seq) && !seq.flow) {
      // A block sequence that only grew: its source lines, then the new items as yaml prints them, under the old ones.
      const was = this.snap.get(seq) as unknown[];
      const first = (seq.items[0] as Node | undefined)?.range?.[0];
      if (first !== undefined && was.length && was.every((x, i) => x === seq.items[i] && this.clean(x))) {
        const dash = indentOf(this.lines[this.lineOf(first)]!);
        const head = this.fresh(new Pair(p.key, new YAMLSeq()), 0).length;
        const tail = this.fresh(new Pair(p.key, Object.assign(new YAMLSeq(), { items: seq.items.slice(was.length) })), 0).slice(head);
        return [...shift(this.lines.slice(c.start, c.end), col - c.col), ...shift(tail, dash + col - c.col - indentOf(tail[0] ?? ''))];
      }
    }
    if (!isMap(p.value) || p.value.flow) return this.fresh(p, col);
    if (same && c?.head !== undefined)
      return [...shift(this.lines.slice(c.start, c.head), col - c.col), ...this.items(p.value, col + c.childCol! - c.col)];
    if (p.value.items.some((x) => this.chunks.has(x)))
      return [
        ...this.fresh(new Pair(p.key, new Scalar(null)), col).map((l, i, all) => (i === all.length - 1 ? l.replace(/ null$/, '') : l)),
        ...this.items(p.value, col + this.style.indent),
      ];
    return this.fresh(p, col);
  }

  private items(map: YAMLMap, col: number): string[] {
    return map.items.flatMap((p) => this.pair(p as Pair, col));
  }

  /** The edited document as text: the source's lines for what is unchanged, yaml's for the rest. */
  render(doc: Document): { text: string; exact: boolean } {
    const whole = () => doc.toString(this.options());
    if (!this.top || !isMap(doc.contents)) return { text: whole(), exact: false };
    const text = `${[...this.lines.slice(0, this.top.first), ...this.items(doc.contents, this.top.col)].join('\n')}\n`;
    try {
      if (isDeepStrictEqual(parse(text, { merge: true, maxAliasCount: -1 }), doc.toJS({ maxAliasCount: -1 }))) return { text, exact: true };
    } catch {
      // falls through to yaml's own rendering
    }
    return { text: whole(), exact: false };
  }
}

// A unified diff of two texts, as `diff -u` prints it (3 lines of context), for what inject shows on stderr.
// Longest common subsequence over lines, after trimming the common head and tail: compose files are small.

type Op = [' ' | '-' | '+', string];

const linesOf = (text: string) => {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
};

/** The edit from a to b, line by line: kept, removed and added lines in order (removals before additions). */
export function lineOps(a: string, b: string): Op[] {
  const [x, y] = [linesOf(a), linesOf(b)];
  let head = 0;
  while (head < x.length && head < y.length && x[head] === y[head]) head++;
  let tail = 0;
  while (tail < x.length - head && tail < y.length - head && x[x.length - 1 - tail] === y[y.length - 1 - tail]) tail++;
  const [xs, ys] = [x.slice(head, x.length - tail), y.slice(head, y.length - tail)];
  const [n, m] = [xs.length, ys.length];
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = xs[i] === ys[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = x.slice(0, head).map((l) => [' ', l]);
  let [i, j] = [0, 0];
  while (i < n || j < m) {
    if (i < n && j < m && xs[i] === ys[j]) ops.push([' ', xs[i++]!]), j++;
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push(['-', xs[i++]!]);
    else ops.push(['+', ys[j++]!]);
  }
  return [...ops, ...x.slice(x.length - tail).map((l): Op => [' ', l])];
}

/** `--- from` / `+++ to` and one `@@` hunk per group of changes; '' when the texts are equal. */
export function unifiedDiff(a: string, b: string, o: { from: string; to: string; context?: number }): string {
  if (a === b) return '';
  const context = o.context ?? 3;
  const ops = lineOps(a, b);
  const [aAt, bAt] = [[] as number[], [] as number[]];
  let [al, bl] = [1, 1];
  for (const [kind] of ops) {
    aAt.push(al);
    bAt.push(bl);
    if (kind !== '+') al++;
    if (kind !== '-') bl++;
  }
  const changed = ops.flatMap(([kind], k) => (kind === ' ' ? [] : [k]));
  const out = [`--- ${o.from}`, `+++ ${o.to}`];
  for (let k = 0; k < changed.length; k++) {
    const start = Math.max(0, changed[k]! - context);
    while (k + 1 < changed.length && changed[k + 1]! - changed[k]! - 1 <= 2 * context) k++;
    const body = ops.slice(start, Math.min(ops.length, changed[k]! + context + 1));
    const aCount = body.filter(([kind]) => kind !== '+').length;
    const bCount = body.filter(([kind]) => kind !== '-').length;
    out.push(`@@ -${aAt[start]! - (aCount ? 0 : 1)},${aCount} +${bAt[start]! - (bCount ? 0 : 1)},${bCount} @@`);
    out.push(...body.map(([kind, line]) => kind + line));
  }
  return `${out.join('\n')}\n`;
}

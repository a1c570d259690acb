// --include: comma-separated file-name globs, matched by Bun's own glob implementation (Bun.Glob), so
// the syntax is Bun's: *, ?, [abc], {a,b}. A name that starts with a dot matches only a glob that does.
declare const Bun: { Glob: new (pattern: string) => { match(path: string): boolean } };

export function matchers(include: string): ((name: string) => boolean)[] {
  return include
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean)
    .map((g) => {
      const glob = new Bun.Glob(g);
      return (name: string) => (!name.startsWith('.') || g.startsWith('.')) && glob.match(name);
    });
}

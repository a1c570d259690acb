// --include and --exclude: comma-separated file-name globs, matched by Bun's own glob implementation
// (Bun.Glob), so the syntax is Bun's: *, ?, [abc], {a,b}. A name that starts with a dot is included only
// by a glob that does; --exclude matches any name.
declare const Bun: { Glob: new (pattern: string) => { match(path: string): boolean } };

/** The globs of a comma-separated list, each trimmed. */
export function globList(list: string): string[] {
  return list.split(',').map((g) => g.trim());
}

function matchers(list: string, dotRule: boolean): ((name: string) => boolean)[] {
  return globList(list)
    .filter(Boolean)
    .map((g) => {
      const glob = new Bun.Glob(g);
      return (name: string) => (!dotRule || !name.startsWith('.') || g.startsWith('.')) && glob.match(name);
    });
}

/** Which names of the directory are followed: those an include glob matches, no exclude glob matches,
 * and that are not one of the sidecar's own files. */
export function selector(include: string, exclude: string, own: string[]): (name: string) => boolean {
  const inc = matchers(include, true);
  const exc = matchers(exclude, false);
  return (name) => !own.includes(name) && inc.some((m) => m(name)) && !exc.some((m) => m(name));
}

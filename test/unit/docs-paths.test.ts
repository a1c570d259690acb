import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  anchors,
  ignored,
  inTree,
  links,
  markdownFiles,
  namedPaths,
  pathPattern,
  read,
  topFolders,
  treeEntries,
  treeFiles,
} from './markdown.js';

const docs = suite('paths and links in the Markdown files');

const tree = () => {
  const files = treeFiles();
  return { files, entries: treeEntries(files), tops: topFolders(files) };
};

docs('every repository path a Markdown file names is in the tree (a <placeholder> or * matches something in it)', () => {
  const { files, entries, tops } = tree();
  const named = markdownFiles(files).flatMap((file) => namedPaths(read(file), tops).map((n) => ({ file, ...n })));
  assert.ok(named.length >= 100, `found only ${named.length} repository paths in the Markdown files`);
  const generated = ignored(named.map((n) => n.path));
  const missing = named
    .filter((n) => !generated.has(n.path) && !inTree(n.path, n.file, entries))
    .map((n) => `${n.file}:${n.line}: ${n.path}`);
  assert.ok(missing.length === 0, `paths named in the docs that are not in the tree (fix the prose):\n${missing.join('\n')}`);
});

docs('every relative link leads to a file or folder of the tree, and every #anchor to a heading of its target', () => {
  const { files, entries } = tree();
  const broken: string[] = [];
  let seen = 0;
  for (const file of markdownFiles(files)) {
    for (const link of links(read(file), file)) {
      seen++;
      const where = `${file}:${link.line}: ${link.target}${link.anchor === undefined ? '' : `#${link.anchor}`}`;
      const folder = link.target.replace(/\/?$/, '/');
      if (!entries.has(link.target) && !entries.has(folder)) broken.push(`${where}: no such file`);
      else if (link.anchor !== undefined && (!link.target.endsWith('.md') || !anchors(read(link.target)).has(link.anchor)))
        broken.push(`${where}: no such heading`);
    }
  }
  assert.ok(seen >= 30, `found only ${seen} relative links`);
  assert.ok(broken.length === 0, `broken links:\n${broken.join('\n')}`);
});

docs('a named path is read from prose and code, with its placeholders, without its #fragment or the end of a sentence', () => {
  const text = 'See `stacks/<name>/README.md#run-it`, then scripts/lib/k8s/.\nhttps://x.org/docs/a ../../docs/b.md images/Dockerfile:12';
  assert.equal(
    namedPaths(text, ['docs', 'images', 'scripts', 'stacks']).map((n) => `${n.line} ${n.path}`),
    ['1 stacks/<name>/README.md', '1 scripts/lib/k8s/', '2 images/Dockerfile'],
  );
});

docs('a placeholder or a * stands for one path segment, ** for any depth, and a folder may be named without its slash', () => {
  const entries = treeEntries(['stacks/topz/attached.ts', 'sidecars/topz/test/main.test.ts']);
  assert.ok(inTree('stacks/<stack>/attached.ts', 'README.md', entries));
  assert.ok(inTree('sidecars/*/test/', 'README.md', entries));
  assert.ok(inTree('stacks/topz', 'README.md', entries));
  assert.ok(inTree('test/main.test.ts', 'sidecars/topz/README.md', entries), 'from the folder of the file that names it');
  assert.not.ok(inTree('test/main.test.ts', 'README.md', entries));
  assert.not.ok(inTree('stacks/<stack>/scenario.ts', 'README.md', entries));
  assert.not.ok(pathPattern('sidecars/*/main.test.ts').test('sidecars/topz/test/main.test.ts'));
  assert.ok(pathPattern('sidecars/**/main.test.ts').test('sidecars/topz/test/main.test.ts'));
});

docs('headings give GitHub’s anchors: lower case, punctuation dropped, spaces as hyphens, a repeat numbered', () => {
  const text =
    '# Kubernetes: a stack as manifests (npm run k8s)\n## bench:topz: topz’s memory\n## Tests\n```\n## not a heading\n```\n## Tests\n';
  assert.equal([...anchors(text)], ['kubernetes-a-stack-as-manifests-npm-run-k8s', 'benchtopz-topzs-memory', 'tests', 'tests-1']);
});

docs.run();

import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { importCycles, layerViolations, type Tree } from './layers.js';
import { importsOf, read, tsFiles } from './sources.js';

const layers = suite('layers');
const tree: Tree = Object.fromEntries(tsFiles().map((f) => [f, read(f)]));

/** Known wrong-way imports awaiting their owners' fix; each goes as soon as its file no longer has it. Add none. */
layers(
  'no import crosses a layer the wrong way: sidecars use only sidecars/lib and their own folder, sidecars/lib only itself, scripts never a stack, and nothing outside the data plane imports more of it than its entry point',
  () => {
    const wrong = layerViolations(tree);
    assert.equal(wrong, [], `imports that cross a layer the wrong way:\n  ${wrong.join('\n  ')}\n`);
  },
);

layers('no module under scripts/lib imports back a module that imports it', () => {
  const cycles = importCycles(tree, 'scripts/lib/');
  assert.equal(cycles, [], `import cycles in scripts/lib:\n  ${cycles.join('\n  ')}\n`);
});

layers(
  'the scan finds static, type-only, re-exported, side-effect and dynamic imports, and skips comments but not strings that look like them',
  () => {
    const text = [
      '// npm run config: finds .state/*/run.json (a glob in a comment is no comment start)',
      "const u = 'http://x/*y';",
      "import { a } from './a.js';",
      'import type {',
      '  B,',
      "} from '../b.js';",
      "export { c } from './c.js';",
      "import './d.js';",
      "const e = await import('./e.js');",
      "// import { f } from './f.js';",
      "import { $ } from 'zx';",
    ].join('\n');
    assert.equal(importsOf(text).sort(), ['../b.js', './a.js', './c.js', './d.js', './e.js', 'zx']);
  },
);

layers('a wrong-way import in a made-up tree is reported with its file and import', () => {
  const made: Tree = {
    'scripts/lib/x.ts': "import { y } from './y.js';\nexport const x = 1;",
    'scripts/lib/y.ts': "import { x } from './x.js';\nexport const y = 2;",
    'scripts/bench/z.ts': "const s = await import('../../stacks/topz/oracle.js');",
    'sidecars/topz/attach.ts': "import { Check } from '../../scripts/lib/check.js';",
    'sidecars/topz/src/a.ts': "import { p } from '../../lib/params.js';\nimport { b } from './b.js';",
    'sidecars/lib/run.ts': "import { t } from '../topz/src/a.js';",
    'stacks/topz/bench.ts': "import { c } from '../../scripts/lib/check.js';",
    'sidecars/mesh-proxy/src/b.ts':
      "import { U } from '../../lib/dataplane/upstream.js';\nimport { H } from '../../lib/dataplane/index.js';",
    'sidecars/lib/dataplane/test/c.test.ts': "import { P } from '../request-parser.js';",
  };
  assert.equal(layerViolations(made), [
    "scripts/bench/z.ts: import '../../stacks/topz/oracle.js' (scripts/ is generic: it never imports a stack)",
    "sidecars/topz/attach.ts: import '../../scripts/lib/check.js' (a sidecar imports only sidecars/lib and its own folder (sidecars/topz/))",
    "sidecars/lib/run.ts: import '../topz/src/a.js' (sidecars/lib imports nothing outside sidecars/lib)",
    "sidecars/mesh-proxy/src/b.ts: import '../../lib/dataplane/upstream.js' (the data plane is used through its entry point, sidecars/lib/dataplane/index.ts)",
  ]);
  assert.equal(importCycles(made, 'scripts/lib/'), ['scripts/lib/x.ts → scripts/lib/y.ts → scripts/lib/x.ts']);
});

layers.run();

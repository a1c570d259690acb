import { dirname, join, normalize } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT } from '../../scripts/lib/config.js';
import { composeFiles, readYaml, type ComposeFile } from './catalogue.js';

const hardened = suite('the hardened compose fragment (compose/hardened.yaml)');
const FRAGMENT = 'compose/hardened.yaml';
/** Compose files whose services are not hardened, and why. */
const EXEMPT: Record<string, string> = {
  'stacks/https/compose.naive.yaml': 'the naive layout, kept only as a lesson about namespaces',
};
const KEYS = ['read_only', 'cap_drop', 'security_opt'];

/** The file a service's extends chain ends in (repo-relative), following extends across files. */
function root(file: string, service: string, seen: string[] = []): string {
  const s = readYaml<ComposeFile>(join(ROOT, file)).services?.[service];
  const ext = s?.extends;
  if (!ext || seen.includes(`${file}#${service}`)) return file;
  return root(normalize(join(dirname(file), ext.file ?? '')), ext.service, [...seen, `${file}#${service}`]);
}

hardened('the fragment makes a service read-only, drops every capability, forbids new privileges and probes health every 2 s', () => {
  const s = readYaml<ComposeFile>(join(ROOT, FRAGMENT)).services?.hardened;
  assert.equal(s, { read_only: true, cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'], healthcheck: { interval: '2s' } });
});

hardened('every service of every stack extends the fragment (directly or through the pod), and none repeats its keys', () => {
  let services = 0;
  for (const file of composeFiles()) {
    if (file === FRAGMENT || EXEMPT[file]) continue;
    for (const [name, s] of Object.entries(readYaml<ComposeFile>(join(ROOT, file)).services ?? {})) {
      services++;
      assert.is(root(file, name), FRAGMENT, `${file}: service ${name} extends ${FRAGMENT}`);
      assert.equal(
        KEYS.filter((k) => k in s),
        [],
        `${file}: service ${name} sets hardening keys itself`,
      );
    }
  }
  assert.ok(services >= 20, `only ${services} services found in the stacks' compose files`);
});

hardened.run();

// npm run k8s -- <stack>|FILE [--out DIR] [--profile NAME]... [--resolver docker|yaml] [--images]
//   Converts stacks/<stack>/compose.yaml (or a user's compose FILE) into Kubernetes manifests (docs/kubernetes.md): one multi-document
//   YAML stream on stdout, or with --out one file per object. Every object is validated offline first;
//   what Kubernetes cannot express is a warning on stderr naming the compose key. --images: only the images
//   the manifests use, one a line (for kind load docker-image, docker save).
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { VERSION } from './lib/config.js';
import { convert } from './lib/k8s/convert.js';
import { imagesOf, toStream, writeObjects } from './lib/k8s/emit.js';
import { type Resolver, resolveFile, resolveStack, stacksWithCompose } from './lib/k8s/resolve.js';
import { commandName, userCwd } from './lib/cli/invocation.js';
import { validateObject } from './lib/k8s/validate.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    profile: { type: 'string', multiple: true, default: [] },
    resolver: { type: 'string' },
    images: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h' },
  },
});
const stacks = stacksWithCompose();
const [stack] = positionals;
const usage = `usage: ${commandName('k8s')} <stack>|FILE [--out DIR] [--profile NAME] [--resolver docker|yaml] [--images]\nstacks: ${stacks.join(', ')}`;
if (values.help || !stack) {
  console.log(usage);
  process.exit(stack || values.help ? 0 : 2);
}
// a name of ours is a stack; anything else is the path of a compose file, relative to where the user is
const path = stacks.includes(stack) ? undefined : resolve(userCwd('k8s'), stack);
if (path !== undefined && !statSync(path, { throwIfNoEntry: false })?.isFile()) {
  console.error(`no stack or compose file "${stack}"\n${usage}`);
  process.exit(2);
}
if (values.resolver && !['docker', 'yaml'].includes(values.resolver)) {
  console.error(`--resolver is docker or yaml, not "${values.resolver}"`);
  process.exit(2);
}

try {
  // the images `npm run images` builds are tagged with the package version, as the stack runner's are
  const env = { SIDECAR_LAB_VERSION: VERSION, ...process.env };
  const o = { env, profiles: values.profile, resolver: values.resolver as Resolver | undefined };
  const resolved = path === undefined ? resolveStack(stack, o) : resolveFile(path, stack, { ...o, env: { ...process.env } });
  if (resolved.resolver === 'yaml' && !values.resolver)
    console.error(`note: no docker compose here: ${resolved.file} resolved by the built-in YAML resolver`);
  const result = convert(resolved);
  const errors = result.objects.flatMap(validateObject);
  if (errors.length) {
    console.error(`✘ the generated manifests do not validate:\n  ${errors.join('\n  ')}`);
    process.exit(1);
  }
  if (values.images) {
    process.stdout.write(`${imagesOf(result.objects).join('\n')}\n`);
    process.exit(0);
  }
  for (const line of result.lines) console.error(line);
  if (values.out) {
    const files = writeObjects(result.objects, values.out);
    console.error(`wrote ${files.length} files to ${values.out}`);
  } else process.stdout.write(toStream(result.objects));
} catch (e) {
  console.error(`✘ ${(e as Error).message}`);
  process.exitCode = 1;
}

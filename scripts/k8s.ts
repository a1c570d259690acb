// npm run k8s -- <stack> [--out DIR] [--profile NAME]... [--resolver docker|yaml] [--images]
//   Converts stacks/<stack>/compose.yaml into Kubernetes manifests (docs/kubernetes.md): one multi-document
//   YAML stream on stdout, or with --out one file per object. Every object is validated offline first;
//   what Kubernetes cannot express is a warning on stderr naming the compose key. --images: only the images
//   the manifests use, one a line (for kind load docker-image, docker save).
import { parseArgs } from 'node:util';
import { VERSION } from './lib/config.js';
import { convert } from './lib/k8s/convert.js';
import { imagesOf, toStream, writeObjects } from './lib/k8s/emit.js';
import { type Resolver, resolveStack, stacksWithCompose } from './lib/k8s/resolve.js';
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
const usage = `usage: npm run k8s -- <stack> [--out DIR] [--profile NAME] [--resolver docker|yaml] [--images]\nstacks: ${stacks.join(', ')}`;
if (values.help || !stack) {
  console.log(usage);
  process.exit(stack || values.help ? 0 : 2);
}
if (!stacks.includes(stack)) {
  console.error(`unknown stack "${stack}"\n${usage}`);
  process.exit(2);
}
if (values.resolver && !['docker', 'yaml'].includes(values.resolver)) {
  console.error(`--resolver is docker or yaml, not "${values.resolver}"`);
  process.exit(2);
}

try {
  // the images `npm run images` builds are tagged with the package version, as the stack runner's are
  const env = { SIDECAR_LAB_VERSION: VERSION, ...process.env };
  const resolved = resolveStack(stack, { env, profiles: values.profile, resolver: values.resolver as Resolver | undefined });
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

// npm run inject -- --service NAME --with SIDECAR [--with …] [--set [SIDECAR.]INPUT=VALUE …] FILE [-o OUT]
// (or sidecar-lab inject …)
// Turns service NAME of any compose file into a pod and adds the sidecars to it, from each sidecar's
// sidecars/<name>/attach.json (scripts/lib/inject/). The new file goes to stdout (or OUT); notes and a
// unified diff go to stderr. Anything it will not do is one line on stderr and exit code 2.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadAttachment } from './lib/attach-spec.js';
import { composeServices } from './lib/inject/compose-check.js';
import { unifiedDiff } from './lib/inject/diff.js';
import { inject } from './lib/inject/pod.js';
import { Refusal } from './lib/inject/refusal.js';
import { commandName, userCwd } from './lib/cli/invocation.js';
import { givenInputs } from './lib/inject/sidecar.js';

const USAGE = `${commandName('inject')} --service NAME --with SIDECAR [--with SIDECAR …] [--set [SIDECAR.]INPUT=VALUE …] FILE [-o OUT]`;
const HELP = `usage: ${USAGE}

Turns service NAME of FILE into a pod (a pause service NAME-pod that owns the network and PID namespaces,
with NAME's published ports, expose and networks) and adds each SIDECAR to it as NAME-SIDECAR. NAME waits
for every sidecar to be healthy. Prints the new file (or writes OUT) and a unified diff on stderr.
--set gives a sidecar an input (tls-proxy: upstream-port, certs); without it inject writes a default or a
\${VAR:?…} placeholder that Compose asks you to fill. Running it again on its output changes nothing.`;

async function main(args: string[]): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  const parse = () =>
    parseArgs({
      args,
      allowPositionals: true,
      options: {
        service: { type: 'string' },
        with: { type: 'string', multiple: true },
        set: { type: 'string', multiple: true },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  try {
    parsed = parse();
  } catch (e) {
    throw new Refusal(`inject: ${(e as Error).message.split('\n')[0]} (usage: ${USAGE})`);
  }
  const { values, positionals } = parsed;
  if (values.help) return void console.log(HELP);
  const names = [...new Set((values.with ?? []).flatMap((w) => w.split(',')).filter(Boolean))];
  if (!values.service || !names.length || positionals.length !== 1)
    throw new Refusal(`inject: give --service, at least one --with and one FILE (usage: ${USAGE})`);
  const sidecars = names.map((n) => {
    try {
      return loadAttachment(n);
    } catch (e) {
      throw new Refusal(`inject: ${(e as Error).message}`);
    }
  });
  const file = positionals[0]!;
  const base = userCwd('inject');
  const path = resolve(base, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Refusal(`inject: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const given = givenInputs(values.set ?? [], sidecars);
  const services = composeServices(path, file);
  const out = inject(text, { service: values.service, sidecars, given, effective: services[values.service], file });
  if (values.output) writeFileSync(resolve(base, values.output), out.text);
  else process.stdout.write(out.text);
  for (const note of out.notes) process.stderr.write(`inject: ${note}\n`);
  const diff = unifiedDiff(text, out.text, { from: file, to: values.output ?? `${file} (injected)` });
  process.stderr.write(diff || `inject: ${file} already has ${names.join(', ')} in ${values.service}-pod: nothing to change\n`);
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(e instanceof Refusal ? `${e.message}\n` : `inject: ${(e as Error).stack ?? String(e)}\n`);
  process.exitCode = e instanceof Refusal ? 2 : 1;
});

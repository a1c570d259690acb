// The runtime `--help`, generated from the parameter table like everything people read about a
// sidecar's parameters. The README and image blocks are generated on the build side
// (scripts/lib/docs-gen.ts) from the same table, with the helpers exported here.
import { envName, flagName, type Param, type Table } from './params.js';
import type { Spec } from './parse.js';

/** A parameter's default as shown: the value, `(required)`, or empty. */
export function defaultText(p: Param<unknown>): string {
  return p.default === undefined ? (p.required ? '(required)' : '') : p.show(p.default);
}

/** A parameter's env var; for a secret, both the variable and its _FILE form. */
export function envCell(spec: Spec<Table>, key: string, p: Param<unknown>): string {
  const env = envName(spec.prefix, key);
  return p.kind === 'secret' ? `${env} or ${env}_FILE` : env;
}

/** Every way to call a sidecar, with what it does: the calls preflight (run.ts) answers, and the run itself. */
export function commands(spec: Spec<Table>): [string, string][] {
  return [
    [`${spec.name} [--flag VALUE ...]`, 'run the sidecar'],
    [`${spec.name} healthcheck`, 'exit 0 when the admin port answers /healthz with 200, else 1'],
    [`${spec.name} healthcheck --ready`, 'exit 0 when the admin port answers /readyz with 200 (ready), else 1'],
    [`${spec.name} --version`, 'print the name and version, exit 0'],
    [`${spec.name} --help`, 'print this text, exit 0 (also -h)'],
  ];
}

export function helpText(spec: Spec<Table>): string {
  const rows = Object.entries(spec.params).map(([key, p]) => {
    const flag = p.kind === 'secret' ? '(secret, no flag)' : `--${flagName(key)}${p.kind === 'bool' ? '' : ' VALUE'}`;
    const def = defaultText(p);
    return [`  ${flag}`, `      env ${envCell(spec, key, p)}; ${p.rule}${def ? `; default ${def}` : ''}`, `      ${p.description}`].join(
      '\n',
    );
  });
  const calls = commands(spec);
  const width = Math.max(...calls.map(([call]) => call.length));
  return [
    `${spec.name}: ${spec.summary}`,
    '',
    `Usage: ${spec.name} [--flag VALUE ...]`,
    '',
    'Commands:',
    ...calls.map(([call, what]) => `  ${call.padEnd(width)}   ${what}`),
    '',
    `Every parameter is a flag and an env var; flags win. An unknown ${spec.prefix}_* variable is fatal.`,
    'healthcheck reads the admin port from its env var only, as the image HEALTHCHECK passes no flags.',
    '',
    'Parameters:',
    ...rows,
    '',
  ].join('\n');
}

// npm run lab [-- --port N] [--project NAME...] (or make lab)
//   Serves the lab on 127.0.0.1 (docs/lab.md): a live picture of every sidecar-lab stack that is up, and of
//   each compose project named with --project, read from the Docker engine. Prints the address with its
//   token; runs until Ctrl-C. Exit 0 after Ctrl-C; 2 for bad input or a --port in use.
import { createLogger } from '../sidecars/lib/log.js';
import { socketEngine, socketPath } from './lib/lab/engine.js';
import { newToken } from './lib/lab/guard.js';
import { oursBy } from './lib/lab/ours.js';
import { loadPage } from './lib/lab/page.js';
import { rolesFromIdentify } from './lib/lab/roles.js';
import { type LabArgs, parseLabArgs, usage } from './lib/lab/args.js';
import { createLab, listenLab } from './lib/lab/server.js';

const USAGE = usage('npm run lab --');
const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(argv: string[]): Promise<number | undefined> {
  let args: LabArgs | undefined;
  try {
    args = parseLabArgs(argv);
  } catch (e) {
    say(`lab: ${(e as Error).message.split('\n')[0]}\n${USAGE}`);
    return 2;
  }
  if (!args) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const token = newToken();
  const lab = createLab({
    engine: socketEngine(),
    ours: oursBy(args.projects),
    roles: rolesFromIdentify(),
    page: loadPage(),
    token,
    killPid: (pid, signal) => process.kill(pid, signal),
    log: createLogger('lab', 'info', (l) => process.stderr.write(l)),
  });
  try {
    await listenLab(lab, args.port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    say(
      `lab: --port ${args.port} ${code === 'EADDRINUSE' ? 'is in use on 127.0.0.1' : `cannot be used (${code ?? (e as Error).message})`}: choose another, or leave --port out for a free one`,
    );
    return 2;
  }
  const shown = args.projects.length ? ` and ${args.projects.join(', ')}` : '';
  say(`lab: showing sidecar-lab's stacks (sl-*)${shown}, read from the engine at ${socketPath()}; Ctrl-C stops it`);
  process.stdout.write(`http://127.0.0.1:${lab.port}/?token=${token}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await lab.close();
  return 0;
}

process.exitCode = await main(process.argv.slice(2));

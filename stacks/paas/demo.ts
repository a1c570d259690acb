// make demo-paas: brings the paas stack up, pushes a commit with the host's git, shows the page
// before and after, and leaves the stack running with a working copy to push your own changes from.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../../scripts/lib/config.js';
import { upStack } from '../../scripts/lib/lifecycle.js';
import { endpoints, gitUrl, http, runningProject, waitServed, Work } from './support.js';

/** The page as a person reads it: its text lines, tags removed. */
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(1)
    .map((l) => `    ${l}`)
    .join('\n');

const up = await upStack('paas');
const { project, state } = runningProject(up.project);
const e = { ...(await endpoints(project)), git: await gitUrl(project) };
const work = await Work.clone({ state, project }, 'work');

const before = await http(e.app, '/');
console.log(`\nBEFORE: GET ${e.app}/  (revision ${String(before.headers['x-revision']).slice(0, 12)})\n${text(before.body)}`);

const page = join(work.dir, 'index.html');
writeFileSync(
  page,
  readFileSync(page, 'utf8').replace(
    /<h1>.*<\/h1>/,
    `<h1>Hello again: pushed by make demo-paas at ${new Date().toISOString().slice(11, 19)} UTC</h1>`,
  ),
);
const { sha } = await work.commitBuild();
const t0 = Date.now();
await work.push();
const ms = await waitServed(project, sha, t0, 30_000);
const after = await http(e.app, '/');
console.log(
  `\nAFTER \`git push\` (served ${ms} ms after the push started): GET ${e.app}/  (revision ${sha.slice(0, 12)})\n${text(after.body)}`,
);

const dir = relative(process.cwd(), work.dir) || work.dir;
console.log(`
The stack ${up.project} is still running.
  site      ${e.app}/
  metrics   ${e.admin}/metrics   (git_sync_revision, git_sync_syncs_total, ...)
  git       ${e.git}

Push your own change (the git server sends a signed webhook; it is live in about a second):
  cd ${dir}
  $EDITOR index.html
  git commit -am "my change" && git push
  curl -s ${e.app}/ | grep build

Break it (see stacks/paas/README.md): put a syntax error in app.js, commit and push; the site keeps
serving the last good revision and git-sync's log says why:
  docker compose -p ${up.project} logs git-sync | tail -3

Remove it with: make demo-paas-down   (${relative(ROOT, state)} goes with it)`);

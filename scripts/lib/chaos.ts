// The chaos steps the stacks inject faults with, in one place: crash a sidecar, take a service away for
// a while, rotate a log file by rename or by copytruncate. Each step acts on the project's own containers
// only, and each undoes itself (a stopped service is started again, a frozen writer thawed) even when
// the work in between fails.
import { $ } from 'zx';
import { eventually, expect } from './check.js';
import { execDetached, state } from './docker.js';

/** Code (run by Bun, the sidecars' runtime) that SIGKILLs a sidecar's main process (bun /opt/sidecar/main.mjs),
 * not its health probes. The script is found anywhere in the command line: under QEMU's emulation (an image of
 * another architecture) the process is the emulator, with bun's path and argv after its own. */
const KILL_SIDECAR_MAIN = `const fs = require('fs');
for (const p of fs.readdirSync('/proc').filter((d) => /^\\d+$/.test(d) && +d !== process.pid)) {
  try {
    const cmd = fs.readFileSync('/proc/' + p + '/cmdline', 'utf8').split('\\0');
    const i = cmd.indexOf('/opt/sidecar/main.mjs');
    if (i > 0 && cmd[i + 1] !== 'healthcheck') process.kill(+p, 'SIGKILL');
  } catch {}
}`;

/**
 * Crashes one of our sidecars from inside its own container (SIGKILL, no drain), so Docker sees a crash
 * and its restart policy applies, unlike `docker kill`, which counts as a manual stop. Detached
 * (`exec -d`), because an attached exec can hang when the container's main process dies under it
 * (Engine 20.10).
 */
export async function crashSidecar(id: string): Promise<void> {
  await execDetached(id, ['bun', '-e', KILL_SIDECAR_MAIN]);
}

/** Waits until a container is running again and (if it has a health check) healthy. */
export async function healthyAgain(id: string, within = 45_000): Promise<void> {
  await eventually(
    async () => {
      const s = await state(id);
      expect.ok(
        s.running && (s.health === undefined || s.health === 'healthy'),
        `container ${id.slice(0, 12)} is back`,
        'running and healthy',
        s,
      );
    },
    { within, every: 250 },
  );
}

/** Crashes a sidecar (crashSidecar) and waits until Docker has restarted it and it is healthy again. */
export async function crashAndRecover(id: string, within = 45_000): Promise<void> {
  const restarts = (await state(id)).restartCount;
  await crashSidecar(id);
  await eventually(
    async () => {
      const n = (await state(id)).restartCount;
      expect.ok(n > restarts, 'Docker restarted the sidecar', `restart count > ${restarts}`, n);
    },
    { within: 15_000, every: 100 },
  );
  await healthyAgain(id, within);
}

/** Stops a container (SIGTERM, then SIGKILL after graceS) for the duration of fn, then always starts it
 * again and waits until it is healthy. */
export async function withStopped<T>(id: string, fn: () => Promise<T>, { graceS = 5, within = 45_000 } = {}): Promise<T> {
  await $`docker stop -t ${graceS} ${id}`.quiet();
  try {
    return await fn();
  } finally {
    await $`docker start ${id}`.quiet();
    await healthyAgain(id, within);
  }
}

/** Rename rotation, as logrotate does by default: `mv FILE FILE.<suffix>` inside the container that owns
 * the file, then `reopen()` tells the writer to open FILE again (a signal or a request, the app's way). */
export async function rotateByRename(id: string, file: string, suffix: string, reopen: () => Promise<void>): Promise<void> {
  await $`docker exec ${id} mv ${file} ${`${file}.${suffix}`}`.quiet();
  await reopen();
}

/**
 * copytruncate rotation: `cp FILE FILE.<suffix>`, then FILE truncated to 0, inside the container that owns
 * the file. Lines written between the copy and the truncation are in neither file; logrotate documents
 * that window. With `freeze`, the writer (the processes whose command line contains it) is stopped
 * (SIGSTOP, and every thread seen in state T) across the two steps and continued (SIGCONT) after, even
 * on failure, so the window is closed and what is measured is only the shipper's part.
 */
export async function copyTruncate(id: string, file: string, suffix: string, { freeze }: { freeze?: string } = {}): Promise<void> {
  const script = [
    'set -eu',
    'pids=""',
    'if [ -n "$FREEZE" ]; then for p in /proc/[0-9]*; do',
    '  if tr "\\0" " " <"$p/cmdline" 2>/dev/null | grep -qF -- "$FREEZE"; then pids="$pids ${p#/proc/}"; fi',
    'done; [ -n "$pids" ] || { echo "no process matches $FREEZE" >&2; exit 3; }; fi',
    'trap \'[ -z "$pids" ] || kill -CONT $pids\' EXIT',
    '[ -z "$pids" ] || kill -STOP $pids',
    // kill returns before the signal has stopped every thread: wait until each one is in state T, so
    // that no write lands between the copy and the truncation.
    'for p in $pids; do for t in /proc/$p/task/*; do n=0',
    '  until [ "$(sed "s/.*) //" "$t/stat" | cut -d" " -f1)" = T ] || [ ! -e "$t/stat" ]; do',
    '    n=$((n + 1)); [ $n -lt 500 ] || { echo "$t did not stop" >&2; exit 4; }; sleep 0.01',
    '  done',
    'done; done',
    'cp -p "$FILE" "$FILE.$SUFFIX"',
    ': >"$FILE"',
  ].join('\n');
  await $`docker exec -e ${`FREEZE=${freeze ?? ''}`} -e ${`FILE=${file}`} -e ${`SUFFIX=${suffix}`} ${id} sh -c ${script}`.quiet();
}

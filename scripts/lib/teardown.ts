// Teardown that always runs, exactly once: from the normal path (the returned function, called in a
// `finally`), from Ctrl-C or SIGTERM, from an error nothing caught, or when nobody reads the output any more
// (a parent that was killed, a closed terminal, `| head`), whichever comes first.

/** A write to an output whose reader is gone. */
function outputGone(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/** Registers the handlers; resolves the returned function once `down` has run, and removes them. */
export function teardownOnce(down: () => Promise<void>, log: (line: string) => void = console.log): () => Promise<void> {
  let once: Promise<void> | undefined;
  let exiting = false;
  // Once the output is gone, nothing more is written to it: every write would fail again, and each failure
  // reported is one more write (a loop that would starve the teardown itself).
  let silent = false;
  const say = (line: string) => {
    if (silent) return;
    try {
      log(line);
    } catch {
      silent = true;
    }
  };
  const run = () => (once ??= down());
  /** Tears down, then exits with `code`: the first of the ways out decides; the others add nothing. */
  const leave = (line: string, code: number) => {
    if (exiting) return;
    exiting = true;
    say(line);
    void run().finally(() => process.exit(code));
  };
  const onSignal = (signal: NodeJS.Signals) => leave(`\n${signal}: tearing down before exit`, 130);
  // A bug in a check's callback must not leave containers behind either; nor a reader that went away.
  const onError = (e: unknown) => {
    if (!outputGone(e)) return leave(`\n✘ unexpected error: ${(e as Error)?.stack ?? String(e)}\ntearing down before exit`, 1);
    silent = true;
    leave('', 1);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('uncaughtException', onError);
  process.on('unhandledRejection', onError);
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
  return async () => {
    await run();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onError);
    process.off('unhandledRejection', onError);
    process.stdout.off('error', onError);
    process.stderr.off('error', onError);
  };
}

// Teardown that always runs, exactly once: from the normal path (the returned function, called in a
// `finally`), from Ctrl-C or SIGTERM, or from an error nothing caught, whichever comes first.

/** Registers the handlers; resolves the returned function once `down` has run, and removes them. */
export function teardownOnce(down: () => Promise<void>, log: (line: string) => void = console.log): () => Promise<void> {
  let once: Promise<void> | undefined;
  const run = () => (once ??= down());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`\n${signal}: tearing down before exit`);
    void run().finally(() => process.exit(130));
  };
  // A bug in a check's callback must not leave containers behind either.
  const onCrash = (e: unknown) => {
    log(`\n✘ unexpected error: ${(e as Error)?.stack ?? String(e)}\ntearing down before exit`);
    void run().finally(() => process.exit(1));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return async () => {
    await run();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}

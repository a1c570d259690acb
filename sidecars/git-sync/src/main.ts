// git-sync entry point: wiring only.
import { runSidecar } from '../../lib/run.js';
import { spec } from './params.js';
import { startGitSync } from './start.js';

await runSidecar(spec, startGitSync);

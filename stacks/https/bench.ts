// npm run bench:https [-- --rounds 5 --seconds 5 --upstream fast|python --only ours-tcp,nginx-stream --no-write --out FILE]
// npm run bench:https -- --rounds 1 --seconds 2 --out /tmp/bench-https.json   (a smoke run: about 2 minutes, docs untouched;
//   add --no-build to run the images as they are)
// npm run bench:https -- --profile tcp|http     (profile the sidecar instead: scripts/bench/profile.ts)
// npm run bench:https -- --render docs/bench-https.json   (rewrite the report from a run's saved raw data)
// The TLS sidecar (tcp and http mode) beside nginx (stream and http) and HAProxy (mode tcp and mode http)
// terminating TLS, and the upstream reached directly, all in one pod pinned to one core; the load
// generators on the other core. Writes docs/bench-https.json and the bench:https section of
// docs/benchmarks.md; with --out FILE, the raw data to FILE and the report to stdout only.
// The one pinned-pod driver (scripts/bench/driver.ts) runs it as bench/configure.ts configures it.
import { runPodBench } from '../../scripts/bench/driver.js';
import { HTTPS_BENCH } from './bench/configure.js';

await runPodBench(HTTPS_BENCH);

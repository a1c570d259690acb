// npm run bench:mesh [-- --rounds 5 --seconds 5 --no-write --out FILE --no-build]
// npm run bench:mesh -- --rounds 1 --seconds 2 --out /tmp/bench-mesh.json   (a smoke run, docs untouched;
//   add --no-build to run the images as they are)
// npm run bench:mesh -- --profile          (profile one mesh-proxy carrying both halves of the hop instead)
// npm run bench:mesh -- --render docs/bench-mesh.json   (rewrite the report from a run's saved raw data)
// Issue 11: the added latency and the maximum throughput of a mesh hop pair (app → outbound sidecar → mTLS →
// inbound sidecar → app) through two mesh-proxy sidecars, beside the same path through two HAProxy instances
// configured as mTLS proxies, and the app reached directly: all in one pod pinned to one core, the load
// generators on the other. Writes docs/bench-mesh.json and the bench:mesh section of docs/benchmarks.md.
// The one pinned-pod driver (scripts/bench/driver.ts) runs it as bench/configure.ts configures it.
import { runPodBench } from '../../scripts/bench/driver.js';
import { MESH_BENCH } from './bench/configure.js';

await runPodBench(MESH_BENCH);

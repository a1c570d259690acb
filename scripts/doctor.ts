// npm run doctor [-- --room]: is this machine ready to run sidecar-lab? Each line is a check; a failed one
// prints the exact remedy. It never installs anything itself. --room adds the laptop, the engine's resources
// and images, the proxies, a 30-second smoke, and ends with one READY / NOT READY line (scripts/lib/doctor/).
import { parseArgs } from 'node:util';
import { shell } from './lib/doctor/finding.js';
import { realHost } from './lib/doctor/host.js';
import { optionalTools } from './lib/doctor/optional.js';
import { osKind, readProcVersion } from './lib/doctor/platform.js';
import { printFindings, problems } from './lib/doctor/report.js';
import { roomCheck } from './lib/doctor/room.js';
import { httpsSmoke } from './lib/doctor/smoke.js';
import { toolchain } from './lib/doctor/toolchain.js';

const USAGE = `usage: npm run doctor [-- --room]
  checks the toolchain and prints a remedy for each problem;
  --room: also the laptop, the engine's resources and images, the proxies and a 30-second smoke of the https
  stack, then one line to collect from every laptop: READY … or NOT READY: the first failure — its remedy`;

let args: { room?: boolean; help?: boolean };
try {
  args = parseArgs({ options: { room: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }).values;
} catch (e) {
  console.error(`doctor: ${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}

if (args.help) console.log(USAGE);
else if (args.room) {
  const room = await roomCheck({ run: shell, host: realHost(), smoke: httpsSmoke });
  printFindings(room.findings);
  console.log(`\n${room.verdict}`);
  process.exitCode = room.ready ? 0 : 1;
} else {
  const { findings } = await toolchain(shell, osKind(process.platform, readProcVersion()));
  findings.push(...(await optionalTools(shell)));
  printFindings(findings);
  const bad = problems(findings);
  console.log(bad ? `\n${bad} problem(s): fix them and run 'npm run doctor' again.` : '\nready: try npm run stack:https');
  process.exitCode = bad ? 1 : 0;
}

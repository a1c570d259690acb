// npm run doctor: is this machine ready to run sidecar-lab? Each line is a check; a failed one
// prints the exact remedy. It never installs anything itself.
import { $ } from 'zx';
import { chromiumPath } from './lib/browser.js';
import { BASE_IMAGE, LOCAL_BASE_IMAGE } from './lib/config.js';

/** optional: only some checks need it; a miss is a warning (!) and does not fail the doctor. */
interface Finding {
  ok: boolean;
  what: string;
  detail: string;
  remedy?: string;
  optional?: boolean;
}
const run = async (cmd: string[]) => {
  const r = await $`${cmd}`.quiet().nothrow().timeout('15s');
  return { ok: r.exitCode === 0, out: (r.stdout || r.stderr).trim() };
};
const atLeast = (have: string, want: string) => {
  const [a, b] = [have, want].map((v) => v.replace(/^v/, '').split(/[.-]/).map(Number));
  for (let i = 0; i < 3; i++) if ((a![i] ?? 0) !== (b![i] ?? 0)) return (a![i] ?? 0) > (b![i] ?? 0);
  return true;
};
const BOOTSTRAP = 'as root on Debian/Ubuntu: make bootstrap   (installs docker.io, Compose v2 and debootstrap, and starts dockerd)';

const findings: Finding[] = [];
findings.push({
  ok: atLeast(process.version, '20.0.0'),
  what: 'Node.js >= 20',
  detail: process.version,
  remedy: 'install Node.js 20 or newer',
});

const cli = await run(['docker', '--version']);
findings.push({ ok: cli.ok, what: 'docker CLI', detail: cli.out.split('\n')[0] ?? '', remedy: BOOTSTRAP });
const engine = cli.ok ? await run(['docker', 'info', '--format', '{{.ServerVersion}}']) : { ok: false, out: 'no CLI' };
findings.push({
  ok: engine.ok,
  what: 'Docker engine reachable',
  detail: engine.ok ? `engine ${engine.out}` : (engine.out.split('\n').pop() ?? ''),
  remedy: `${BOOTSTRAP}\n      or, if it is installed: sudo systemctl start docker  (or: sudo dockerd &)`,
});
const compose = cli.ok ? await run(['docker', 'compose', 'version', '--short']) : { ok: false, out: 'no CLI' };
findings.push({
  ok: compose.ok && atLeast(compose.out, '2.20.0'),
  what: 'Docker Compose v2 >= 2.20',
  detail: compose.out || 'missing',
  remedy: BOOTSTRAP,
});
const openssl = await run(['openssl', 'version']);
findings.push({
  ok: openssl.ok,
  what: 'openssl (makes the demo CA and certificates)',
  detail: openssl.out,
  remedy: 'apt-get install openssl',
});

if (engine.ok) {
  const [base, local] = [
    await run(['docker', 'image', 'inspect', BASE_IMAGE]),
    await run(['docker', 'image', 'inspect', LOCAL_BASE_IMAGE]),
  ];
  const deboot = await run(['sh', '-c', 'command -v debootstrap']);
  const ok = base.ok || local.ok || deboot.ok;
  const detail = base.ok
    ? `${BASE_IMAGE} present`
    : local.ok
      ? `${LOCAL_BASE_IMAGE} present (local debootstrap build)`
      : deboot.ok
        ? `will be built with debootstrap on first use (${BASE_IMAGE} is not present; nothing is pulled)`
        : `${BASE_IMAGE} absent, no debootstrap`;
  findings.push({ ok, what: 'base image', detail, remedy: `docker pull ${BASE_IMAGE}, or ${BOOTSTRAP}` });
}

// Optional: the topz stack's page check and the lab's browser tests drive Chromium with playwright-core.
let browserPath = '';
try {
  browserPath = chromiumPath();
} catch {}
const chromium = browserPath ? await run([browserPath, '--version']) : { ok: false, out: '' };
findings.push({
  ok: chromium.ok,
  what: 'chromium (headless browser for the topz page check and the lab’s browser tests)',
  detail: chromium.ok
    ? `${browserPath}: ${chromium.out.split('\n').pop() ?? ''}`
    : 'missing: only the topz stack’s page check and the lab’s browser tests need it',
  remedy: 'as root: make bootstrap   (installs Debian’s chromium), or set SIDECAR_LAB_CHROMIUM to a Chromium',
  optional: true,
});
// Optional: the verify JUnit report's test validates against docs/junit-4.xsd with xmllint.
const xmllint = await run(['/usr/bin/xmllint', '--version']);
findings.push({
  ok: xmllint.ok,
  what: 'xmllint (validates the verify JUnit report in its test)',
  detail: xmllint.ok ? (xmllint.out.split('\n')[0] ?? '') : 'missing: only the JUnit report test needs it',
  remedy: 'as root: make bootstrap   (installs Debian’s libxml2-utils with Chromium; scripts/bootstrap/tools.sh)',
  optional: true,
});

for (const f of findings) {
  console.log(`${f.ok ? '✔' : f.optional ? '!' : '✘'} ${f.what}: ${f.detail}`);
  if (!f.ok && f.remedy) console.log(`    remedy: ${f.remedy}`);
}
const bad = findings.filter((f) => !f.ok && !f.optional).length;
console.log(bad ? `\n${bad} problem(s): fix them and run 'npm run doctor' again.` : '\nready: try npm run stack:https');
process.exitCode = bad ? 1 : 0;

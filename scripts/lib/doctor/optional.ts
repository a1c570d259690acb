// Tools only some checks need: a miss is a warning (!), and the doctor still passes.
import { chromiumPath } from '../browser.js';
import { type Finding, firstLine, lastLine, type Runner } from './finding.js';

export async function optionalTools(run: Runner): Promise<Finding[]> {
  // The topz stack's page check and the lab's browser tests drive Chromium with playwright-core.
  let browserPath = '';
  try {
    browserPath = chromiumPath();
  } catch {}
  const chromium = browserPath ? await run([browserPath, '--version']) : { ok: false, out: '' };
  // The verify JUnit report's test validates against docs/junit-4.xsd with xmllint.
  const xmllint = await run(['/usr/bin/xmllint', '--version']);
  // The shell-portability test runs every lesson command in zsh (macOS's shell) beside bash.
  const zsh = await run(['zsh', '--version']);
  return [
    {
      ok: chromium.ok,
      what: 'chromium (headless browser for the topz page check and the lab’s browser tests)',
      detail: chromium.ok
        ? `${browserPath}: ${lastLine(chromium.out)}`
        : 'missing: only the topz stack’s page check and the lab’s browser tests need it',
      remedy: 'as root: make bootstrap   (installs Debian’s chromium), or set SIDECAR_LAB_CHROMIUM to a Chromium',
      optional: true,
    },
    {
      ok: xmllint.ok,
      what: 'xmllint (validates the verify JUnit report in its test)',
      detail: xmllint.ok ? firstLine(xmllint.out) : 'missing: only the JUnit report test needs it',
      remedy: 'as root: make bootstrap   (installs Debian’s libxml2-utils with Chromium; scripts/bootstrap/tools.sh)',
      optional: true,
    },
    {
      ok: zsh.ok,
      what: 'zsh (the lesson commands’ test runs each in zsh beside bash)',
      detail: zsh.ok ? firstLine(zsh.out) : 'missing: only the lesson commands’ portability test needs it',
      remedy: 'as root: make bootstrap   (installs Debian’s zsh with Chromium; scripts/bootstrap/tools.sh)',
      optional: true,
    },
  ];
}

// verify's --reporter junit: a run's suites as one JUnit XML document that validates against Ant's
// schema (docs/junit-4.xsd, the one CI systems read). Pure: strings in, a string out.
//
// The text is arbitrary bytes from other programs (EXPECTED/RECEIVED lines, ps output, container logs),
// so every string goes through one path before it is written:
// 1. ANSI escape sequences (ESC [ ... final byte, e.g. colours ESC [ 31 m) are removed;
// 2. each character XML 1.0 forbids (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF; a lone
//    surrogate) is replaced by the visible escape `\uXXXX` (four lower-case hex digits, e.g. `\u001b`),
//    never dropped silently;
// 3. &, <, > (and in attributes ", ', tab, LF, CR) become references, so no text can end an element
//    or an attribute, `]]>` is harmless (no CDATA is used), and a reader gets back the same characters:
//    tab, LF and CR are written as &#9; &#10; &#13; where a parser would otherwise normalize them.
//
// The schema's other rules the writer keeps: <testsuites> carries no attributes (the totals are on
// each <testsuite>, counted from its cases); each <testsuite> has its id (0, 1, …) and package, and
// always a <properties>, <system-out> and <system-err>; a name, hostname or property name that would be
// empty after whitespace collapsing becomes `(unnamed)` (hostname: `localhost`, as the schema says);
// the timestamp is UTC without a zone, to the second (an invalid date, or a year outside 1-9999, is
// written as 1970-01-01T00:00:00); a time that is negative or not finite is 0.

export type JUnitOutcome = 'passed' | 'failed' | 'skipped' | 'error';

export interface JUnitCase {
  name: string;
  classname: string;
  seconds: number;
  outcome: JUnitOutcome;
  /** The failure/error/skipped element's message attribute. */
  message?: string;
  /** Its text: EXPECTED/RECEIVED lines, ps output, logs. */
  detail?: string;
  /** The failure/error element's type attribute (the schema requires one); default: the outcome. */
  type?: string;
}

export interface JUnitSuite {
  name: string;
  timestamp: Date;
  hostname: string;
  cases: JUnitCase[];
  properties?: Record<string, string>;
  systemOut?: string;
  systemErr?: string;
  /** The <testsuite package> the schema requires; default: the name. */
  package?: string;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-?]*[ -/]*[@-~]`, 'g');
// Every character outside XML 1.0's Char production; with the u flag a lone surrogate is one match.
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
const REFERENCE: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Steps 1 and 2 above: the characters a reader will see. */
function visible(s: string): string {
  return s.replace(ANSI, '').replace(FORBIDDEN, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
const attr = (s: string) => visible(s).replace(/[&<>"'\t\n\r]/g, (c) => REFERENCE[c]!);
const text = (s: string) => visible(s).replace(/[&<>\r]/g, (c) => REFERENCE[c]!);
/** An xs:token with minLength 1: whitespace alone collapses to nothing. */
const token = (s: string, otherwise: string) => attr(/^[ \t\n\r]*$/.test(visible(s)) ? otherwise : s);

const seconds = (s: number) => (Number.isFinite(s) && s > 0 ? Math.min(s, 1e12) : 0);
const decimal = (s: number) => seconds(s).toFixed(3);

function timestamp(d: Date): string {
  const year = d.getUTCFullYear();
  return Number.isNaN(d.getTime()) || year < 1 || year > 9999 ? '1970-01-01T00:00:00' : d.toISOString().slice(0, 19);
}

const ELEMENT: Record<JUnitOutcome, string | undefined> = { passed: undefined, failed: 'failure', error: 'error', skipped: 'skipped' };

function testcase(c: JUnitCase): string {
  const open = `    <testcase name="${attr(c.name)}" classname="${attr(c.classname)}" time="${decimal(c.seconds)}"`;
  const element = ELEMENT[c.outcome];
  if (!element) return `${open}/>`;
  const type = element === 'skipped' ? '' : ` type="${attr(c.type ?? c.outcome)}"`;
  const message = c.message === undefined ? '' : ` message="${attr(c.message)}"`;
  const body = c.detail ? `>${text(c.detail)}</${element}>` : '/>';
  return `${open}>\n      <${element}${type}${message}${body}\n    </testcase>`;
}

function testsuite(s: JUnitSuite, id: number): string {
  const count = (o: JUnitOutcome) => s.cases.filter((c) => c.outcome === o).length;
  const time = s.cases.reduce((sum, c) => sum + seconds(c.seconds), 0);
  const properties = Object.entries(s.properties ?? {}).map(
    ([name, value]) => `      <property name="${token(name, '(unnamed)')}" value="${attr(value)}"/>`,
  );
  return [
    `  <testsuite name="${token(s.name, '(unnamed)')}" package="${attr(s.package ?? s.name)}" id="${id}"` +
      ` timestamp="${timestamp(s.timestamp)}" hostname="${token(s.hostname, 'localhost')}" tests="${s.cases.length}"` +
      ` failures="${count('failed')}" errors="${count('error')}" skipped="${count('skipped')}" time="${decimal(time)}">`,
    properties.length ? `    <properties>\n${properties.join('\n')}\n    </properties>` : '    <properties/>',
    ...s.cases.map(testcase),
    `    <system-out>${text(s.systemOut ?? '')}</system-out>`,
    `    <system-err>${text(s.systemErr ?? '')}</system-err>`,
    '  </testsuite>',
  ].join('\n');
}

/** A complete document: the XML declaration and <testsuites> with one <testsuite> per suite. */
export function junitXml(suites: JUnitSuite[]): string {
  const body = suites.map((s, i) => `${testsuite(s, i)}\n`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${body}</testsuites>\n`;
}

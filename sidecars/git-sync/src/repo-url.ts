// The `repo` parameter: which URLs git-sync accepts. A password inside the URL is refused at start,
// because every git command gets the URL as an argument, and arguments are world-readable in
// /proc/<pid>/cmdline (and end up in logs).
import { RuleError, type Param } from '../../lib/params.js';

const SCHEMES = /^(git|https?|ssh|file):\/\/[^\s]+$/;

/** Throws a RuleError when the URL is not one git-sync will use. */
export function checkRepoUrl(raw: string): string {
  const url = raw.trim();
  if (!SCHEMES.test(url) && !/^\/[^\s]*$/.test(url)) {
    throw new RuleError(`${JSON.stringify(raw)} is not a git URL (git://, http(s)://, ssh://, file:// or an absolute path)`);
  }
  const m = /^[a-z]+:\/\/([^/@]*)@/.exec(url);
  if (m && m[1]!.includes(':')) {
    throw new RuleError('embeds a password: a URL is passed to git on its command line, where /proc/<pid>/cmdline shows it to every process');
  }
  return url;
}

/** Strips any user name from a URL before it is logged. */
export const redactUrl = (url: string) => url.replace(/^([a-z]+:\/\/)[^/@]*@/, '$1***@');

export function repoUrl(o: { description: string }): Param<string> {
  return {
    kind: 'string', description: o.description, required: true,
    rule: 'git URL without a password',
    parse: checkRepoUrl,
    show: String,
  };
}

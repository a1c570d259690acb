// The `repo` parameter: which URLs git-sync accepts. Credentials inside the URL are refused at start,
// because every git command gets the URL as an argument, and arguments are world-readable in
// /proc/<pid>/cmdline (and end up in logs). What counts as a credential:
//  - a password (`user:password@`), in any URL, ssh included;
//  - any userinfo at all in an http(s), git or file URL: forges take a token as the user name
//    (https://ghp_xxx@github.com/o/r, https://x-access-token:xxx@...), so there a user name cannot
//    be told from a credential;
//  - but not an ssh user name (ssh://git@host/o/r, git@host:o/r): ssh authenticates with a key, and
//    the name is only a name.
// No error message repeats what stood before the "@".
import { RuleError, type Param } from '../../lib/params.js';

const SCHEME_URL = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)/;
const SCHEMES = /^(git|https?|ssh|file):\/\/\S+$/;
const ABSOLUTE = /^\/\S*$/;
const SSH_USER = /^[A-Za-z0-9_][A-Za-z0-9._~+-]*$/;
// scp-like ssh, as git reads it: [user@]host:path, no slash before the colon; host a name or [IPv6].
const SCP = /^(?:[A-Za-z0-9_][A-Za-z0-9._~+-]*@)?(?:[A-Za-z0-9][A-Za-z0-9.-]*|\[[0-9A-Fa-f:.]+\]):\S+$/;

const WHY =
  'git gets the URL on its command line, where /proc/<pid>/cmdline shows it to every process; use a credential helper or an ssh key';
const PASSWORD = `embeds a password: ${WHY}`;
const TOKEN = `embeds a password or token before "@" (in http(s), git and file URLs any user name counts: forges take a token as the user name): ${WHY}`;

/** Throws a RuleError when the URL is not one git-sync will use. */
export function checkRepoUrl(raw: string): string {
  const url = raw.trim();
  const scheme = SCHEME_URL.exec(url);
  if (scheme) {
    const authority = scheme[2]!;
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      const user = authority.slice(0, at);
      if (scheme[1]!.toLowerCase() !== 'ssh') throw new RuleError(TOKEN);
      if (user.includes(':')) throw new RuleError(PASSWORD);
      if (!SSH_USER.test(user)) throw new RuleError('has an ssh user name that is not a plain name (letters, digits and . _ ~ + -)');
    }
    if (SCHEMES.test(url)) return url;
  } else if (ABSOLUTE.test(url)) {
    return url;
  } else {
    const at = url.indexOf('@');
    if (at >= 0 && url.slice(0, at).includes(':') && !url.slice(0, at).includes('/')) throw new RuleError(PASSWORD);
    if (SCP.test(url)) return url;
  }
  throw new RuleError(
    `${JSON.stringify(maskUserinfo(url))} is not a git URL (git://, http(s)://, ssh://, file://, user@host:path or an absolute path)`,
  );
}

/** Replaces whatever stands before the "@" of the authority (or of an scp-like address) with ***. */
const maskUserinfo = (url: string) => url.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)?[^/?#]*@/, '$1***@');

/** Strips any user name from a URL before it is logged. */
export const redactUrl = (url: string) => url.replace(/^([a-z]+:\/\/)[^/@]*@/, '$1***@');

export function repoUrl(o: { description: string }): Param<string> {
  return {
    kind: 'string',
    description: o.description,
    required: true,
    rule: 'git URL without credentials',
    parse: checkRepoUrl,
    show: String,
  };
}

// The proxy variables of the environment: which are set, how to show them without a password, and how every
// image build receives them. A build names them (`--build-arg HTTP_PROXY`) and Docker takes each value from
// the environment, so a value never appears in a command line, a log, or an image's history.

/** The variables Docker's builders treat as proxy settings, and curl, apt and wget read. */
export const PROXY_VARS = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'] as const;

/** The proxy variables that are set to something in env, in PROXY_VARS order. */
export function proxyEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return Object.fromEntries(PROXY_VARS.flatMap((k) => (env[k] ? [[k, env[k]]] : [])));
}

/** A proxy URL with the password of its user info replaced by ***: `http://ann:***@proxy:3128`. A value
 * without user info, or a NO_PROXY list, comes back as it was. */
export function redactProxy(value: string): string {
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(value)?.[0] ?? '';
  const rest = value.slice(scheme.length);
  const authorityEnd = rest.search(/[/?#]/);
  const authority = authorityEnd < 0 ? rest : rest.slice(0, authorityEnd);
  const at = authority.lastIndexOf('@');
  if (at < 0) return value;
  const colon = authority.indexOf(':');
  if (colon < 0 || colon > at) return value;
  return `${scheme}${authority.slice(0, colon)}:***${rest.slice(at)}`;
}

/** The `docker build` / `docker compose build` options that hand each set proxy variable to the build, by
 * name only; nothing when none is set. */
export function proxyBuildArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.keys(proxyEnv(env)).flatMap((k) => ['--build-arg', k]);
}

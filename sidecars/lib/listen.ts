// Binding a listener at start. A failure names the parameter that caused it, in one line, instead of
// a bare errno: a port in use or forbidden names the port parameter, an address that does not
// resolve or is not on this host names the address parameter.
// Bun does not say ENOTFOUND for a name that does not resolve: node:net fails with no code or EINVAL,
// node:http (built on Bun.serve) with ENOENT or even EADDRINUSE. So a failed listen on a name asks DNS
// itself, whatever the code, and blames the address when the name does not resolve.
import type { Server as NetServer } from 'node:net';
import { ParamError } from './parse.js';

export interface ListenKeys {
  /** Table key of the port parameter, e.g. 'listenPort'. */
  port: string;
  /** Table key of the address parameter, e.g. 'listenAddress'. */
  address: string;
}

export function listen(server: NetServer, port: number, address: string, keys: ListenKeys): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: NodeJS.ErrnoException) => {
      server.off('listening', ok);
      resolves(address).then((named) => reject(named ? explain(e, port, address, keys) : unresolved(address, keys)));
    };
    const ok = () => {
      server.off('error', fail);
      resolve();
    };
    server.once('error', fail);
    server.once('listening', ok);
    server.listen(port, address);
  });
}

/** False only when the address is a name and DNS says it does not resolve (the code may be anything). */
/** The same for a listener that binds synchronously and throws (Bun.listen): what bind returns, or the one-line error. */
export async function bindOrExplain<T>(bind: () => T, port: number, address: string, keys: ListenKeys): Promise<T> {
  try {
    return bind();
  } catch (e) {
    throw (await resolves(address)) ? explain(e as NodeJS.ErrnoException, port, address, keys) : unresolved(address, keys);
  }
}

async function resolves(address: string): Promise<boolean> {
  // Loaded only here, on a failed bind: node:net and node:dns cost a sidecar that never needs them its memory.
  const [{ isIP }, { lookup }] = await Promise.all([import('node:net'), import('node:dns/promises')]);
  if (address === '' || isIP(address) !== 0) return true;
  try {
    return (await lookup(address, { all: true })).length > 0;
  } catch {
    return false;
  }
}

const unresolved = (address: string, keys: ListenKeys) =>
  new ParamError(keys.address, `${JSON.stringify(address)} does not resolve to an address`);

function explain(e: NodeJS.ErrnoException, port: number, address: string, keys: ListenKeys): Error {
  const where = `${address}:${port}`;
  switch (e.code) {
    case 'EADDRINUSE':
      return new ParamError(keys.port, `${where} is already in use`);
    case 'EACCES':
      return new ParamError(keys.port, `${where} may not be bound by this user (ports below 1024 need privileges)`);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NONAME':
      return unresolved(address, keys);
    case 'EADDRNOTAVAIL':
      return new ParamError(keys.address, `${address} is not an address of this host`);
    case 'EINVAL':
    case 'EAFNOSUPPORT':
      return new ParamError(keys.address, `${JSON.stringify(address)} cannot be bound`);
    default:
      return new ParamError(keys.port, `cannot listen on ${where}: ${e.code ?? e.message}`);
  }
}

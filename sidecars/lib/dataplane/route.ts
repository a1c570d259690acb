// Where a request goes and what happens when a try fails: the data plane's one extension point.
// An HttpSession parses and frames; a Router decides which connection carries each try, whether a
// failed or refused try is tried again, and hears how the request ended. tls-proxy has one route, to
// its app (singlePool below); mesh-proxy's outbound side balances, retries and ejects behind the same API.
import type { RequestBody } from './forwarded.js';
import type { UpstreamConnection, UpstreamPool } from './upstream.js';

/** Methods a proxy may send again on its own (RFC 9110 §9.2.2). */
export const IDEMPOTENT: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

export interface RequestInfo {
  method: string;
  path: string;
  /** The client's header lines as [name, value, ...], as parsed. */
  rawHeaders: readonly string[];
  body: RequestBody;
}

/** How one try ended, when it is not a response the client gets as it is. */
export interface TryOutcome {
  /** The connection failed before a response head (connect, TLS or reset), or the try timed out. */
  err?: Error;
  timedOut?: boolean;
  /** A response head arrived with this status: trying again discards it. */
  status?: number;
  /** The connection had carried an earlier request (a keep-alive race is likely, not an app failure). */
  reused: boolean;
}

export interface Route {
  /** Header lines ("Name: value\r\n" each) added to the request head. */
  readonly headers?: string;
  /** Time to the response head of each try; past it the try is abandoned (and retried if allowed). */
  readonly perTryTimeoutMs?: number;
  /** Time to the response head across all tries; past it the client gets the failure answer. */
  readonly timeoutMs?: number;
  /** The connection for the next try; throws HttpError when there is none (the client gets it). */
  connect(): UpstreamConnection;
  /** Whether to try again after this outcome. Called for every response head too: false sends it. */
  retry(o: TryOutcome): boolean;
  /** The answer for a failure that is not tried again. */
  failure(o: TryOutcome): { status: number; text: string };
  /** The exchange is over: status as the client got it (0 when the connection was cut). Called once. */
  done(status: number, conn: UpstreamConnection | undefined): void;
}

export interface Router {
  /** Header names (lower case) of the client's that are never forwarded: the route states its own. */
  readonly drop?: ReadonlySet<string>;
  /** The route of one request; throws HttpError to refuse it (the client gets that status). */
  route(req: RequestInfo): Route;
  /** A request refused before it had a route (malformed, too large, a head too slow): the status it got. */
  refused?(status: number): void;
}

const BAD_GATEWAY = 'bad gateway: the app behind this TLS proxy did not answer\n';

/**
 * One upstream: the app in the pod, over a keep-alive pool. A kept-alive connection the app closed
 * just as it was reused is tried once more on a new one, but only for an idempotent request without a
 * body (RFC 9110 §9.2.2): a POST may already have been acted on. Any other failure is a 502.
 */
export function singlePool(pool: UpstreamPool): Router {
  return {
    route(req) {
      let tries = 0;
      const again = req.body === 'none' && IDEMPOTENT.has(req.method);
      return {
        connect: () => pool.acquire(tries++ > 0),
        retry: (o) => tries === 1 && again && o.err !== undefined && o.reused && !o.timedOut,
        failure: () => ({ status: 502, text: BAD_GATEWAY }),
        done() {},
      };
    },
  };
}

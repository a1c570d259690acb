// The shapes the tls-proxy suites share: a CA, a server certificate and an app behind the proxy,
// made before the suite's tests and removed after them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { suite } from 'uvu';
import { rawExchange, type Endpoint, type RawAnswer } from '../../lib/test-support/hostile.js';
import { startRecorder, type Recorder } from '../../lib/test-support/smuggling.js';
import { makePki, proxyParams, startTestProxy, startUpstream, type Issued, type Pki, type Proxy, type Upstream } from './fixtures.js';

/** What every suite with a CA and an app holds. */
export interface PkiCtx {
  pki: Pki;
  upstream: Upstream;
}

/** What every app suite's context holds: a CA, a server certificate it issued and an app. */
export interface AppCtx extends PkiCtx {
  cert: Issued;
}

export interface PkiSuiteOptions<C> {
  /** The app's handler, given the context (for state a test shares with it); absent: `hello from upstream <path>`. */
  app?: (ctx: C) => (req: IncomingMessage, res: ServerResponse) => void;
  /** What else the suite starts once the CA and the app are there (certificates, proxies, controls). */
  setup?: (ctx: C) => Promise<void>;
  /** Stops what setup started; runs before the app is closed and the CA removed. */
  teardown?: (ctx: C) => Promise<void>;
}

/** The fields of the context that hold a proxy. */
type ProxyKeys<C> = { [K in keyof C]: C[K] extends Proxy ? K : never }[keyof C];

export interface AppSuiteOptions<C> extends PkiSuiteOptions<C> {
  /** Hex serial of the server certificate, distinct per suite so a test can tell whose certificate it got. */
  serial: string;
  /** Proxies in front of the app with the server certificate, each field with its extra flags: started after
   * setup (so what setup hooks onto the app sees their connections) and drained, one after the other, before teardown. */
  proxies?: { [K in ProxyKeys<C>]?: string[] };
}

/** A suite whose context has a fresh CA and a plain HTTP app (PkiCtx), and whatever setup adds. */
export function pkiSuite<C extends PkiCtx>(name: string, o: PkiSuiteOptions<C> = {}) {
  const test = suite<C>(name, {} as C);
  test.before(async (ctx) => {
    ctx.pki = makePki();
    ctx.upstream = await startUpstream(o.app?.(ctx));
    await o.setup?.(ctx);
  });
  test.after(async (ctx) => {
    await o.teardown?.(ctx);
    await ctx.upstream?.close();
    ctx.pki?.cleanup();
  });
  return test;
}

/** A pkiSuite whose CA has issued a server certificate (AppCtx), with the proxies asked for in front of the app. */
export function appSuite<C extends AppCtx>(name: string, { serial, proxies = {}, setup, teardown, ...o }: AppSuiteOptions<C>) {
  const named = Object.entries(proxies) as [keyof C, string[]][];
  return pkiSuite<C>(name, {
    ...o,
    async setup(ctx) {
      ctx.cert = ctx.pki.issue('server', serial);
      await setup?.(ctx);
      for (const [key, extra] of named) (ctx[key] as Proxy) = await startTestProxy(await proxyParams(ctx.cert, ctx.upstream.port, extra));
    },
    async teardown(ctx) {
      for (const [key] of named) await (ctx[key] as Proxy | undefined)?.drain();
      await teardown?.(ctx);
    },
  });
}

/** What the http-mode suites that watch raw bytes share: a PKI, a proxy and the recording app behind it. */
export interface RecordedCtx {
  pki: Pki;
  cert: Issued;
  app: Recorder;
  proxy: Proxy;
  endpoint: Endpoint;
}

/** A suite whose every test has a running http-mode proxy in front of a recording app (serial: the certificate's). */
export function recordedProxySuite(name: string, serial: string) {
  const test = suite<RecordedCtx>(name, {} as RecordedCtx);
  test.before(async (ctx) => {
    ctx.pki = makePki();
    ctx.cert = ctx.pki.issue('server', serial);
    ctx.app = await startRecorder();
    ctx.proxy = await startTestProxy(await proxyParams(ctx.cert, ctx.app.port));
    ctx.endpoint = { port: ctx.proxy.port, tls: { ca: ctx.pki.ca.toString() } };
  });
  test.after(async (ctx) => {
    await ctx.proxy?.drain();
    await ctx.app?.close();
    ctx.pki?.cleanup();
  });
  return test;
}

/** Raw bytes (latin1 when a string) over TLS to the suite's proxy; resolves with its answer. */
export async function sendRaw(
  { pki, proxy, app }: Pick<RecordedCtx, 'pki' | 'proxy'> & { app?: Recorder },
  bytes: string | Buffer,
): Promise<RawAnswer> {
  const answer = await rawExchange(
    { port: proxy.port, tls: { ca: pki.ca.toString() } },
    typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes,
  );
  // What the app recorded of it is read next: wait until it has reported all of it.
  await app?.settle();
  return answer;
}

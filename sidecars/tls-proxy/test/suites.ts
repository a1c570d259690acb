// The shapes the tls-proxy suites share: a CA, a server certificate and an app behind the proxy,
// made before the suite's tests and removed after them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { suite } from 'uvu';
import { rawExchange, type Endpoint, type RawAnswer } from '../../lib/test-support/hostile.js';
import { startRecorder, type Recorder } from '../../lib/test-support/smuggling.js';
import { makePki, proxyParams, startTestProxy, startUpstream, type Issued, type Pki, type Proxy, type Upstream } from './fixtures.js';

/** What every app suite's context holds. */
export interface AppCtx {
  pki: Pki;
  cert: Issued;
  upstream: Upstream;
}

export interface AppSuiteOptions<C> {
  /** Hex serial of the server certificate, distinct per suite so a test can tell whose certificate it got. */
  serial: string;
  /** The app's handler, given the context (for state a test shares with it); absent: `hello from upstream <path>`. */
  app?: (ctx: C) => (req: IncomingMessage, res: ServerResponse) => void;
  /** What else the suite starts once the CA, the certificate and the app are there (proxies, controls). */
  setup?: (ctx: C) => Promise<void>;
  /** Stops what setup started; runs before the app is closed and the CA removed. */
  teardown?: (ctx: C) => Promise<void>;
}

/** A suite whose context has a fresh CA, a server certificate and a plain HTTP app (AppCtx), and whatever setup adds. */
export function appSuite<C extends AppCtx>(name: string, o: AppSuiteOptions<C>) {
  const test = suite<C>(name, {} as C);
  test.before(async (ctx) => {
    ctx.pki = makePki();
    ctx.cert = ctx.pki.issue('server', o.serial);
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

/** Drains each proxy that was started, one after the other. */
export async function drainAll(...proxies: (Proxy | undefined)[]): Promise<void> {
  for (const p of proxies) await p?.drain();
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
export const sendRaw = ({ pki, proxy }: Pick<RecordedCtx, 'pki' | 'proxy'>, bytes: string | Buffer): Promise<RawAnswer> =>
  rawExchange({ port: proxy.port, tls: { ca: pki.ca.toString() } }, typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);

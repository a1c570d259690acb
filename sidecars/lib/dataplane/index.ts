// The data plane's one entry point: what tls-proxy and mesh-proxy build on. README.md beside it is the
// contract. Nothing outside this folder imports its other files (test/unit/layers.test.ts fails on one).
export { type CertPair, follow, loadPair } from './certs.js';
export { byClass, certificateMetrics, showCertificate } from './counters.js';
export { drainConnections } from './drain.js';
export type { SessionContext } from './exchange.js';
export { forwardedHeaders } from './forwarded.js';
export { plainAnswer } from './front.js';
export { headEnd, parseHead } from './request-parser.js';
export { HttpSession } from './http-session.js';
export { limitParams } from './params.js';
export { alpnWire, type BunListener, type ServerTls } from './bun-socket.js';
export { dialTls } from './dial-tls.js';
export { dial, NativeConn } from './native-conn.js';
export { listenNative, listenPlain, type NativeFrontOptions } from './native-front.js';
export { ownAnswer } from './response-head.js';
export { OLD_GENERATION_SOONER, SMALL_YOUNG_GENERATION } from './runtime-env.js';
export { IDEMPOTENT, type Route, type Router, singlePool, type TryOutcome } from './route.js';
export { answers, type UpstreamConnection, UpstreamPool } from './upstream.js';

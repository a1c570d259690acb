// The part of Bun's native socket API (Bun.listen, Bun.connect) the data plane uses, typed here because
// the build type-checks against Node's types only. One call is not documented: a server-side upgradeTLS
// (isServer, initialData), which Bun's own node:tls uses to start TLS on an accepted socket. Every
// behaviour relied on is pinned by test/bun-socket.test.ts (and, for certificate verification, test/bun-mtls.test.ts) at the Bun version in package.json:
// the raw socket's handler still receives the ciphertext, the handshake handler reports success as true,
// a partial write returns the count written, shutdown() half-closes while reading goes on, and a listener with
// allowHalfOpen (documented) keeps its side open after the peer's FIN until it ends it.

export interface BunSocket<D> {
  data: D;
  readonly remoteAddress: string;
  readonly alpnProtocol?: string | false | null;
  /** TLS: whether the peer's certificate chains to a trusted CA (and, as a client, names the server). */
  readonly authorized?: boolean;
  /** TLS: the peer's certificate, once the handshake is done. */
  getPeerX509Certificate(): { subjectAltName?: string } | undefined;
  /** The bytes written now (the rest is the caller's to write on drain); -1 when closed. */
  write(data: Uint8Array | string): number;
  /** Flushes, then closes. */
  end(data?: Uint8Array | string): void;
  /** Sends FIN (TLS: close_notify), reading goes on. */
  shutdown(halfClose?: boolean): void;
  /** Closes at once, dropping what is unsent. */
  terminate(): void;
  pause(): void;
  resume(): void;
  setNoDelay(on?: boolean): boolean;
}

export interface BunHandlers<D> {
  open?(s: BunSocket<D>): void;
  data?(s: BunSocket<D>, chunk: Buffer): void;
  drain?(s: BunSocket<D>): void;
  end?(s: BunSocket<D>): void;
  close?(s: BunSocket<D>, err?: Error): void;
  error?(s: BunSocket<D>, err: Error): void;
  connectError?(s: BunSocket<D>, err: Error): void;
  handshake?(s: BunSocket<D>, ok: boolean, err: Error | null): void;
}

export interface BunListener {
  readonly port: number;
  /** Stops accepting; with true, also closes every open connection. */
  stop(closeActive?: boolean): void;
}

/** What a server-side TLS upgrade takes: a native secure context (tls.createSecureContext(o).context). */
export interface ServerTls {
  secureContext: unknown;
  /** ALPN protocols in wire format: each name prefixed by its length. */
  ALPNProtocols?: Buffer;
}

/** What a client TLS connection takes: a native secure context, and whether Bun itself refuses what fails to verify. */
export interface ClientTls {
  secureContext: unknown;
  rejectUnauthorized: boolean;
}

interface BunGlobal {
  listen<D>(o: { hostname: string; port: number; socket: BunHandlers<D>; allowHalfOpen?: boolean }): BunListener;
  connect<D>(o: { hostname: string; port: number; data: D; socket: BunHandlers<D>; tls?: ClientTls }): Promise<BunSocket<D>>;
}

const bun = (): BunGlobal => {
  const b = (globalThis as { Bun?: BunGlobal }).Bun;
  if (!b) throw new Error('the native data plane runs on Bun');
  return b;
};

/** allowHalfOpen: the peer's FIN leaves this side open until the handler ends it (by default Bun closes both). */
export const bunListen = <D>(hostname: string, port: number, socket: BunHandlers<D>, allowHalfOpen = false): BunListener =>
  bun().listen({ hostname, port, socket, allowHalfOpen });

export const bunConnect = <D>(hostname: string, port: number, data: D, socket: BunHandlers<D>, tls?: ClientTls): Promise<BunSocket<D>> =>
  bun().connect({ hostname, port, data, socket, ...(tls ? { tls } : {}) });

/** Starts TLS as the server on an accepted plain socket, handing it the bytes already read; the TLS socket. */
export function upgradeServerTls<R, D>(
  raw: BunSocket<R>,
  tls: ServerTls,
  initialData: Buffer,
  data: D,
  socket: BunHandlers<D>,
): BunSocket<D> {
  const up = (raw as unknown as { upgradeTLS(o: object): [unknown, BunSocket<D>] }).upgradeTLS({
    isServer: true,
    tls,
    initialData,
    data,
    socket,
  });
  return up[1];
}

/** ALPN protocol names in the wire format a native secure context takes. */
export const alpnWire = (names: string[]): Buffer =>
  Buffer.concat(names.map((n) => Buffer.concat([Buffer.from([n.length]), Buffer.from(n, 'latin1')])));

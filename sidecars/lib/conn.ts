// A connection as the proxies use it: the few members of a Node socket that sessions, the upstream pool
// and lingerClose touch. A node:net or node:tls socket is one; NativeConn (native-conn.ts) is one over
// Bun's own sockets, without the stream layer.

export interface Conn {
  /** 'data' (Buffer), 'drain', 'end' (the peer's FIN), 'error' (Error), 'close'. */
  // biome-ignore lint/suspicious/noExplicitAny: a Node socket's own listener type, which a Conn must accept as it is
  on(event: string, listener: (...args: any[]) => void): unknown;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  once(event: string, listener: (...args: any[]) => void): unknown;
  /** False when the bytes were queued past the high-water mark: wait for 'drain'. */
  write(data: Uint8Array | string, encoding?: BufferEncoding): boolean;
  /** Writes the last bytes (if any), then half-closes once everything queued is out. */
  end(data?: Uint8Array | string): unknown;
  destroy(): unknown;
  pause(): unknown;
  resume(): unknown;
  readonly destroyed: boolean;
  readonly writable: boolean;
  readonly remoteAddress?: string;
  /** Bytes written and not yet taken by the kernel (a node:net socket's too). A buffer written may be
   * held, as it is, until this is 0 again: its writer must not change it meanwhile. */
  readonly writableLength?: number;
}

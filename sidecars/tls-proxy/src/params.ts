// The tls-proxy's parameter table: its whole configuration API, in one place.
import { limitParams, SMALL_YOUNG_GENERATION } from '../../lib/dataplane/index.js';
import { defineSpec } from '../../lib/run.js';
import { bool, duration, file, int, oneOf, port, string } from '../../lib/params.js';

export const spec = defineSpec({
  name: 'tls-proxy',
  prefix: 'TLS_PROXY',
  summary: 'terminates TLS in front of a plain-HTTP app in the same pod and forwards over loopback.',
  adminPort: 9901,
  runtime: SMALL_YOUNG_GENERATION,
  params: {
    certFile: file({ default: '/etc/tls/tls.crt', description: 'PEM certificate chain served to clients. Reloaded when it changes.' }),
    keyFile: file({ default: '/etc/tls/tls.key', description: 'PEM private key for the certificate. Reloaded with it.' }),
    upstreamPort: port({ default: 8080, description: 'Port of the legacy app, reached over the pod loopback.' }),
    upstreamHost: string({ default: '127.0.0.1', description: 'Host of the legacy app. Inside a pod this stays loopback.' }),
    listenPort: port({ default: 8443, listens: true, description: 'Port that serves TLS.' }),
    listenAddress: string({ default: '0.0.0.0', description: 'Address that serves TLS.' }),
    mode: oneOf(['http', 'tcp'] as const, {
      default: 'http',
      description: 'http: HTTP/1.1 proxy that sets X-Forwarded-For/-Proto/-Host/-Port. tcp: raw L4 pipe, no headers, fastest.',
    }),
    minTlsVersion: oneOf(['1.2', '1.3'] as const, {
      default: '1.2',
      description: 'Oldest TLS version accepted. TLS 1.0 and 1.1 are never accepted.',
    }),
    accessLog: bool({
      default: false,
      description:
        'Log one JSON line per request at info (http mode): method, path without its query, status and duration. Off by default: one line per request is a lot of log.',
    }),
    hsts: bool({ default: false, description: 'Add Strict-Transport-Security to responses (http mode).' }),
    hstsMaxAge: int({
      default: 31536000,
      min: 0,
      max: 63072000,
      description: 'max-age of the Strict-Transport-Security header, in seconds.',
    }),
    plainHttp: oneOf(['reject', 'redirect'] as const, {
      default: 'reject',
      description: 'Plain HTTP sent to the TLS port gets a 400 (reject) or a 308 to https:// (redirect).',
    }),
    reloadInterval: duration({
      default: '1s',
      min: '100ms',
      max: '1h',
      description: 'How often the certificate files are checked for changes, besides file-system events and SIGHUP.',
    }),
    handshakeTimeout: duration({
      default: '10s',
      min: '100ms',
      description: 'A connection that has not finished its TLS handshake by then is closed.',
    }),
    ...limitParams,
    // At most 596h: Node arms the idle timer 1 s past the value, and that must still fit a 32-bit timer.
    idleTimeout: duration({
      default: '60s',
      min: '1s',
      max: '596h',
      description: 'An idle keep-alive client connection is closed after this.',
    }),
  },
});

/** The table alone, common parameters included: what start() is typed against. */
export const params = spec.params;

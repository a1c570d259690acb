// The parameters of the request limits both proxies share (tls-proxy and mesh-proxy): each proxy's
// table spreads them in, so their names, defaults and rules cannot drift apart.
import { duration, int } from '../params.js';

export const limitParams = {
  headerTimeout: duration({
    default: '10s',
    min: '100ms',
    max: '1h',
    description:
      "A request head must be complete this long after its first byte, or the client gets a 408 (nginx's client_header_timeout). Trickled bytes do not extend it.",
  }),
  maxBodyBytes: int({
    default: 67108864,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
    description:
      "Largest request body passed to the app, in bytes (nginx's client_max_body_size). A longer declared body gets a 413 with nothing sent on; a chunked one is cut with a 413 before the chunk that passes it.",
  }),
};

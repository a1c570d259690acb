// The https lesson's break-it exercises as inverted checks (scripts/lib/exercise/types.ts, Break): each is
// applied to a run of its own and must turn its check red. Exercises 3 and 5 of exercises.ts teach them; the
// lesson's text under each names the check (npm run gen). `npm run stack:https -- test --break NAME` runs one.
import type { Break } from '../../scripts/lib/exercise/types.js';

const breaks: Break[] = [
  {
    name: 'single-files',
    // Check 8 renames new files into the directory: a single-file bind mount keeps the old inode, so the
    // sidecar keeps serving the serial it started with.
    check: 8,
    because: /^serial served to a new connection: [0-9A-F]+$/,
    override: `services:
  tls-proxy:
    volumes: !override
      - \${CERT_DIR}/tls.crt:/etc/tls/tls.crt:ro
      - \${CERT_DIR}/tls.key:/etc/tls/tls.key:ro
`,
  },
  {
    name: 'tcp-mode',
    // Check 1 reads the X-Forwarded-Proto the app receives: a layer-4 relay adds no header.
    check: 1,
    because: /^X-Forwarded-Proto the app received: undefined$/,
    override: `services:
  tls-proxy:
    environment:
      TLS_PROXY_MODE: tcp
`,
  },
];

export default breaks;

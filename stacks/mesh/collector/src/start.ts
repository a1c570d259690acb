// Builds span-collector from its parameters: the store, the HTTP server, the drain.
import { listen } from '../../../../sidecars/lib/listen.js';
import type { Context, Running } from '../../../../sidecars/lib/run.js';
import { registerMetrics } from './metrics.js';
import type { params as table } from './params.js';
import { createCollectorServer } from './server.js';
import { SpanStore } from './store.js';

export async function start({ params: p, log, metrics }: Context<typeof table>): Promise<Running & { port: number }> {
  const store = new SpanStore(p.maxSpans);
  const server = createCollectorServer({ store, maxBodyBytes: p.maxBodyBytes, metrics: registerMetrics(metrics, store), log });
  await listen(server, p.listenPort, p.listenAddress, { port: 'listenPort', address: 'listenAddress' });
  log.info('listening', { address: p.listenAddress, port: p.listenPort, maxSpans: p.maxSpans, maxBodyBytes: p.maxBodyBytes });
  return {
    port: p.listenPort,
    ready: () => ({ ready: true }),
    async drain() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

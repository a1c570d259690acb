// span-collector's parameter table: flags or SPAN_COLLECTOR_* env vars, parsed by the sidecar runtime.
import { int, port, string } from '../../../../sidecars/lib/params.js';
import { defineSpec } from '../../../../sidecars/lib/run.js';

export const spec = defineSpec({
  name: 'span-collector',
  prefix: 'SPAN_COLLECTOR',
  summary: 'receives OTLP/HTTP JSON traces, keeps the most recent spans in memory and serves each trace as JSON.',
  processTitle: 'span-collector',
  adminPort: 9906,
  params: {
    listenPort: port({
      default: 4318,
      listens: true,
      description: 'Port of POST /v1/traces (OTLP/HTTP JSON) and GET /api/traces/<traceId>, /api/traces?service=&limit=.',
    }),
    listenAddress: string({ default: '0.0.0.0', description: 'Address that serves the traces.' }),
    maxSpans: int({
      default: 100_000,
      min: 1,
      max: 10_000_000,
      description: 'Spans kept in memory; past it, the oldest received are dropped.',
    }),
    maxBodyBytes: int({
      default: 4 * 1024 * 1024,
      min: 1024,
      max: 64 * 1024 * 1024,
      description: 'Largest request body; a larger one is answered 413.',
    }),
  },
});

export const params = spec.params;

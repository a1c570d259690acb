// Webhook signatures, GitHub style: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

export function sign(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export type Verdict = 'ok' | 'missing' | 'malformed' | 'mismatch';

/**
 * Checks a signature header against the body. The comparison is constant-time: both sides are
 * 32-byte digests compared with crypto.timingSafeEqual, so the time taken does not reveal how
 * many leading bytes of a forged signature were right.
 */
export function verify(secret: string, body: Buffer, header: string | string[] | undefined): Verdict {
  if (header === undefined || header === '') return 'missing';
  if (Array.isArray(header) || !/^sha256=[0-9a-f]{64}$/i.test(header)) return 'malformed';
  const given = Buffer.from(header.slice(7), 'hex');
  const wanted = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, wanted) ? 'ok' : 'mismatch';
}

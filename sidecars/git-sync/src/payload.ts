// What a webhook body says about the ref it announces. GitHub posts a push event as JSON
// (application/json) or as a form with one field, payload=<URL-encoded JSON>
// (application/x-www-form-urlencoded); git-server's hook posts JSON. Nothing here throws: any bytes
// read as one of four answers, and only a ref equal to ours (or its refs/heads/, refs/tags/ form) is ours.

export type MediaType = 'json' | 'form';

export type Payload =
  | { kind: 'ours'; ref: string }
  | { kind: 'other'; ref: string }
  /** A JSON object without a `ref` field, e.g. GitHub's `ping` event. */
  | { kind: 'none' }
  | { kind: 'invalid'; reason: string };

/** The media type of a Content-Type header (parameters and case ignored), when it is one we read. */
export function mediaType(header: string | undefined): MediaType | undefined {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' ? 'json' : type === 'application/x-www-form-urlencoded' ? 'form' : undefined;
}

export const isOurRef = (pushed: string, ref: string) => pushed === ref || pushed === `refs/heads/${ref}` || pushed === `refs/tags/${ref}`;

export function readPayload(type: MediaType, body: Buffer, ref: string): Payload {
  const text = body.toString('utf8');
  const json = type === 'json' ? text : new URLSearchParams(text).get('payload');
  if (json === null) return { kind: 'invalid', reason: 'a form without a payload field' };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'invalid', reason: 'not a JSON object' };
  if (!Object.hasOwn(value, 'ref')) return { kind: 'none' };
  const pushed = (value as { ref: unknown }).ref;
  if (typeof pushed !== 'string') return { kind: 'invalid', reason: 'ref is not a string' };
  return { kind: isOurRef(pushed, ref) ? 'ours' : 'other', ref: pushed };
}

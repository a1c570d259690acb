// The answer to plain text sent to a TLS port (native-front.ts sends it): a prompt, clear 400, or with
// --plain-http redirect a 308 to the same host and path over https.

export function plainAnswer(head: Buffer, how: 'reject' | 'redirect'): string {
  const text = head.toString('latin1');
  const path = /^[A-Z]+ (\/[^\s]*) HTTP\/1\.[01]\r?\n/.exec(text)?.[1];
  const host = /\r?\nhost:[ \t]*([^\r\n]+)/i.exec(text)?.[1]?.trim();
  if (how === 'redirect' && path && host && /^[\w.\-:[\]]+$/.test(host)) {
    const location = `https://${host}${path}`;
    return `HTTP/1.1 308 Permanent Redirect\r\nLocation: ${location}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
  }
  const body = 'This port speaks HTTPS. Plain HTTP is not served here: use https:// instead.\n';
  return `HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
}

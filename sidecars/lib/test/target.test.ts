import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { HttpError, hostFault, parseTarget } from '../target.js';

const test = suite('request target');

/** The HttpError status parseTarget throws; fails the test when it does not throw one. */
function refused(method: string, raw: string): number {
  try {
    parseTarget(method, raw);
    assert.unreachable(`${method} ${raw} should be refused`);
  } catch (e) {
    assert.instance(e, HttpError);
    return (e as HttpError).status;
  }
  return 0;
}

test('origin form keeps the path and query byte for byte and routes on the pathname', () => {
  const t = parseTarget('GET', '/a/b%20c?x=1&y=/z?');
  assert.equal([t.form, t.path, t.url.pathname, t.url.searchParams.get('x')], ['origin', '/a/b%20c?x=1&y=/z?', '/a/b%20c', '1']);
});

test('a target that starts with // stays a path and is never read as another host', () => {
  const t = parseTarget('GET', '//evil.example/x');
  assert.equal([t.url.host, t.url.pathname], ['localhost', '//evil.example/x']);
});

test('absolute form gives its path in origin form and its authority', () => {
  const t = parseTarget('GET', 'http://App.example:8080/p?q=1');
  assert.equal([t.form, t.path, t.authority], ['absolute', '/p?q=1', 'App.example:8080']);
  assert.is(parseTarget('GET', 'https://x').path, '/');
});

test('targets Node accepts but a URL parser throws on get a 400, not an exception', () => {
  for (const raw of ['//[', '/[', 'http://[', 'http://[::1', 'http://a:99999/', '/%', '/%zz', '/a#frag', '/\\', '/{x}', '/a|b', '/"'])
    assert.is(refused('GET', raw), 400, raw);
});

test('* is only for OPTIONS, CONNECT gets 405, and userinfo, other schemes and bare words get 400', () => {
  assert.is(parseTarget('OPTIONS', '*').form, 'asterisk');
  assert.is(refused('GET', '*'), 400);
  assert.is(refused('CONNECT', 'example.com:443'), 405);
  for (const raw of ['http://user:pw@x/', 'ftp://x/', 'example.com:443', 'x', '?x', '', 'http:/x'])
    assert.is(refused('GET', raw), 400, raw);
});

test('property: no target makes parseTarget throw anything but an HttpError 400 or 405', () => {
  fc.assert(
    fc.property(fc.constantFrom('GET', 'POST', 'OPTIONS', 'CONNECT'), fc.string({ unit: 'binary', maxLength: 200 }), (method, raw) => {
      try {
        parseTarget(method, raw);
      } catch (e) {
        return e instanceof HttpError && (e.status === 400 || e.status === 405);
      }
      return true;
    }),
    { numRuns: 2000 },
  );
});

test('property: an accepted target always yields an origin-form path of visible ASCII that starts with /', () => {
  const visible = fc.string({ unit: fc.constantFrom(...'/?#%[]:@!$&\'()*+,;=-._~aZ09\\{}|^`"<>'.split('')), maxLength: 60 });
  fc.assert(
    fc.property(fc.constantFrom('', 'http://h', 'https://h:1'), visible, (prefix, rest) => {
      let path: string;
      try {
        path = parseTarget('GET', prefix + rest).path;
      } catch (e) {
        return e instanceof HttpError;
      }
      return path.startsWith('/') && /^[\x21-\x7e]+$/.test(path) && !/[#[\]\\{}|^`"<>]/.test(path);
    }),
    { numRuns: 2000 },
  );
});

test('a Host of host[:port] passes once and a second Host is refused, whatever its value', () => {
  assert.equal(
    ['example.com', 'example.com:8080', '[::1]:443', '10.0.0.1', 'h:'].map((v) => hostFault(v, false)),
    [undefined, undefined, undefined, undefined, undefined],
  );
  for (const second of ['example.com', 'a.com, b.com', ''])
    assert.is(hostFault(second, true), 'bad request: more than one Host header', JSON.stringify(second));
});

test('a Host that is a list, carries userinfo, a path, a space or an empty value is not host[:port]', () => {
  for (const v of ['a.com, b.com', 'user@a.com', 'a.com/x', 'a.com b', '', 'a.com:80:80'])
    assert.is(hostFault(v, false), 'bad request: Host is not host[:port]', JSON.stringify(v));
});

test('property: an accepted Host holds no comma, @, slash, whitespace or control character', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 80 }), (v) => hostFault(v, false) !== undefined || !/[,@/\s\x00-\x1f\x7f]/.test(v)),
    { numRuns: 2000 },
  );
});

test.run();

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canonicalQuery, httpBuildQuery, md5, parseStr, queryToken, timeToken } from './php.ts';
import { KEY } from './test-helpers.ts';

/** parse_str, then http_build_query without `token`: the string ZenTao signs. */
const signedOf = (raw: string) => {
  const q = parseStr(raw);
  q.delete('token');
  return httpBuildQuery(q);
};

describe('md5, as PHP computes it', () => {
  it.each([
    // RFC 1321's test vectors.
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    // UTF-8 bytes, as PHP hashes a UTF-8 string.
    ['禅道', 'ccb68e2843c50f99f543d3342c69d809'],
  ])('md5(%j) is %s', (text, hex) => {
    expect(md5(text)).toBe(hex);
  });
});

describe("ZenTao's tokens (expected values computed outside the twin, with node:crypto's createHash)", () => {
  it("reproduces the doc's printed token only for its $query variable (m=chat…)", () => {
    expect(queryToken('m=chat&f=getChatUsers&code=myAppCode', KEY)).toBe('f5633c34c0c551a16c1d63bceb38d6a8');
    expect(queryToken('m=im&f=getChatUsers&code=myAppCode', KEY)).toBe('6611ac3952bcdeb4277274d081885dd2');
  });

  it.each([
    ['m=im&f=getGroupChats&code=myAppCode', '07a22de5b9c287eaaf5c04320fe48aba'],
    ['m=im&f=getChatUsers&gid=30683aea-7a1f-4ec8-a6d6-834e0310fd7d&code=myAppCode', '47b5ee6196ce02951e07b737509f1228'],
    ['m=im&f=sendNotification&code=myAppCode', '1547b22b788502aae7988973eb6d2e79'],
    ['m=im&f=sendChatMessage&code=myAppCode', '885451499b031367881b9a1d6274471f'],
    ['m=im&f=getChatUsers&gid=my+group&code=myAppCode', '91510574e112d2e83f08b783f4743fe2'],
  ])('md5(md5(%s) + key) is %s', (q, token) => {
    expect(queryToken(q, KEY)).toBe(token);
  });

  it.each([
    ['1700000000', '1a0aabecd05b665a5fdfc93fec5d4a1e'],
    ['1700000001', '1ff75d0d4f8e5cb37abc157c24ac6e1f'],
    ['4102444800', '097d92abc985442da6e0aeb5c838249c'],
  ])('md5(code + key + %s) is %s', (time, token) => {
    expect(timeToken('myAppCode', KEY, time)).toBe(token);
  });
});

describe('parse_str + http_build_query: the string ZenTao signs', () => {
  it.each([
    ['drops the token wherever it stands and keeps the order sent', 'f=getChatUsers&token=abc&m=im&code=x', 'f=getChatUsers&m=im&code=x'],
    ['writes spaces as +, whether sent as + or %20', 'q=a%20b&r=x+y', 'q=a+b&r=x+y'],
    ['escapes ~ as %7E (urlencode is RFC 1738, not RFC 3986)', 's=a~b', 's=a%7Eb'],
    ["escapes ! * ' ( ) too", "s=!*'()", 's=%21%2A%27%28%29'],
    ['leaves - _ . and alphanumerics bare', 's=A-z_0.9', 's=A-z_0.9'],
    ['upper-case hex for UTF-8 bytes', 'gid=%e7%a0%94%e5%8f%91%e9%83%a8', 'gid=%E7%A0%94%E5%8F%91%E9%83%A8'],
    ['turns dots and spaces in names into _', 'a.b=1&c+d=2&e%20f=3', 'a_b=1&c_d=2&e_f=3'],
    ['turns an unmatched [ in a name into _, and keeps what follows it as it is', 'a.b[c.d=1', 'a_b_c.d=1'],
    ['drops leading spaces of a name', '+a=1&%20%20b.c=2', 'a=1&b_c=2'],
    ['skips pairs with an empty name', '=x&+=y&[k]=z&a=1', 'a=1'],
    ['keeps = in a value', 'a=b=c', 'a=b%3Dc'],
    ['keeps a ] without [ in a name', 'a]b=1', 'a%5Db=1'],
    ['keeps the first position and the last value of a repeated name', 'a=1&b=2&a=3', 'a=3&b=2'],
    ['writes a name without = as name=', 'a&b=', 'a=&b='],
    ['skips empty pairs', '&&a=1&', 'a=1'],
    ['builds numbered arrays from a[]', 'x[]=p&x[]=q', 'x%5B0%5D=p&x%5B1%5D=q'],
    ['numbers a[] after the highest numeric key', 'x[5]=p&x[k]=q&x[]=r', 'x%5B5%5D=p&x%5Bk%5D=q&x%5B6%5D=r'],
    ['numbers a[] after a key of several digits', 'x[12]=p&x[]=q', 'x%5B12%5D=p&x%5B13%5D=q'],
    ['does not count keys that only start or end with digits', 'x[5k]=p&x[k5]=q&x[]=r', 'x%5B5k%5D=p&x%5Bk5%5D=q&x%5B0%5D=r'],
    ['turns dots in an array name into _, not in its key', 'a.b[c.d]=1', 'a_b%5Bc.d%5D=1'],
    ['replaces an array by a later scalar of the same name', 'x[]=1&x=2', 'x=2'],
    ['replaces a scalar by a later array of the same name', 'x=2&x[]=1', 'x%5B0%5D=1'],
    ['keeps a malformed escape as text', 'q=%E0%A4%A', 'q=%25E0%25A4%25A'],
    ['decodes + in a malformed value too', 'q=a+%ZZ', 'q=a+%25ZZ'],
    ['decodes escaped names', '%6D=im', 'm=im'],
  ])('%s', (_what, raw, expected) => {
    expect(signedOf(raw)).toBe(expected);
  });

  it('reads values as PHP does: arrays as maps, in order', () => {
    expect(parseStr('m=im&x[]=a&x[k]=b')).toEqual(
      new Map<string, unknown>([
        ['m', 'im'],
        [
          'x',
          new Map([
            ['0', 'a'],
            ['k', 'b'],
          ]),
        ],
      ]),
    );
  });
});

describe('the canonical shortcut (the hot path: no decoding, no re-encoding)', () => {
  it('takes a query already in http_build_query form as it is, without token', () => {
    const raw = 'm=im&f=getGroupChats&token=07a2&code=my_App-Code&v=1.2';
    expect(canonicalQuery(raw)).toEqual({
      q: new Map([
        ['m', 'im'],
        ['f', 'getGroupChats'],
        ['token', '07a2'],
        ['code', 'my_App-Code'],
        ['v', '1.2'],
      ]),
      signed: 'm=im&f=getGroupChats&code=my_App-Code&v=1.2',
    });
    expect(canonicalQuery(raw)!.signed).toBe(signedOf(raw));
  });

  it('takes an empty value, and a query with no token', () => {
    expect(canonicalQuery('a=&b=1')).toEqual({
      q: new Map([
        ['a', ''],
        ['b', '1'],
      ]),
      signed: 'a=&b=1',
    });
  });

  it.each([
    ['a name that repeats', 'a=1&b=2&a=3'],
    ['a pair without =', 'a&b=1'],
    ['an empty name', '=1&b=1'],
    ['an empty pair', 'a=1&&b=1'],
    ['a dot in a name', 'a.b=1'],
    ['an array', 'a[]=1'],
    ['an escape', 'a=%41'],
    ['a +', 'a=x+y'],
    ['a ~', 'a=x~y'],
    ['a = in a value', 'a=b=c'],
    ['an empty query', ''],
  ])('leaves %s to parse_str (%s)', (_what, raw) => {
    expect(canonicalQuery(raw)).toBeUndefined();
  });
});

describe('md5 on a Node without crypto.hash (before 20.12: the package supports Node 20)', () => {
  const createHash = vi.fn();
  let fallbackMd5: typeof md5;

  beforeAll(async () => {
    vi.resetModules();
    vi.doMock('node:crypto', async (importOriginal) => {
      const real = await importOriginal<typeof import('node:crypto')>();
      createHash.mockImplementation(real.createHash);
      return { ...real, hash: undefined, createHash };
    });
    ({ md5: fallbackMd5 } = await import('./php.ts'));
  });

  afterAll(() => {
    vi.doUnmock('node:crypto');
    vi.resetModules();
  });

  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['禅道', 'ccb68e2843c50f99f543d3342c69d809'],
  ])('md5(%j) is still %s, as a hex string, through createHash', (text, hex) => {
    createHash.mockClear();
    expect(fallbackMd5(text)).toBe(hex);
    expect(createHash).toHaveBeenCalledWith('md5');
  });
});

import { describe, expect, it } from 'vitest';
import { isSecretName, maskDeep, maskRecord, maskValue } from './mask.ts';

describe('masking', () => {
  it('keeps the last four characters of long secrets and hides short ones whole', () => {
    expect(maskValue('abcdefghij')).toBe('****ghij');
    expect(maskValue('12345678')).toBe('****');
    expect(maskValue('')).toBe('****');
  });

  it('knows common secret names, and a twin’s extra ones', () => {
    for (const n of [
      'client_secret',
      'Password',
      'access_token',
      'key',
      'apiKey',
      'Authorization',
      'cookie',
      'code_verifier',
      'suiteTicket',
      'credentials',
    ]) {
      expect(isSecretName(n), n).toBe(true);
    }
    for (const n of ['name', 'keyword', 'monkey', 'title']) expect(isSecretName(n), n).toBe(false);
    expect(isSecretName('appsecretish')).toBe(true);
    expect(isSecretName('code')).toBe(false);
    expect(isSecretName('code', /^code$/)).toBe(true);
  });

  it('masks secret-named strings and numbers at any depth, in arrays too, without changing the input', () => {
    const input = { a: { token: 'abcdefghijkl', n: 1, list: [{ password: 123456789012 }] }, code: 'abcdefghijkl' };
    expect(maskDeep(input, /^code$/)).toEqual({ a: { token: '****ijkl', n: 1, list: [{ password: '****9012' }] }, code: '****ijkl' });
    expect(input.a.token).toBe('abcdefghijkl');
    expect(maskDeep({ token: { nested: 'x' } })).toEqual({ token: { nested: 'x' } });
  });

  it('masks records of headers and query values, arrays included', () => {
    expect(maskRecord({ authorization: 'Bearer abcdefghijkl', accept: 'json', token: ['abcdefghijkl', 'short'] })).toEqual({
      authorization: '****ijkl',
      accept: 'json',
      token: ['****ijkl', '****'],
    });
    expect(maskRecord({ code: 'abcdefghijkl' }, /^code$/)).toEqual({ code: '****ijkl' });
  });
});

describe('maskDeep depth', () => {
  it('masks down to 20 levels of objects or arrays, and leaves what is deeper as it is', () => {
    const nest = (levels: number, leaf: unknown, asArray = false): unknown => {
      let v = leaf;
      for (let i = 0; i < levels; i++) v = asArray ? [v] : { n: v };
      return v;
    };
    const dig = (v: unknown, levels: number, asArray = false): unknown => {
      for (let i = 0; i < levels; i++) v = asArray ? (v as unknown[])[0] : (v as { n: unknown }).n;
      return v;
    };
    expect(dig(maskDeep(nest(20, { token: 'abcdefghijkl' })), 20)).toEqual({ token: '****ijkl' });
    expect(dig(maskDeep(nest(21, { token: 'abcdefghijkl' })), 21)).toEqual({ token: 'abcdefghijkl' });
    expect(dig(maskDeep(nest(20, { token: 'abcdefghijkl' }, true)), 20, true)).toEqual({ token: '****ijkl' });
    expect(dig(maskDeep(nest(21, { token: 'abcdefghijkl' }, true)), 21, true)).toEqual({ token: 'abcdefghijkl' });
    expect(maskDeep(null)).toBeNull();
    expect(maskDeep('token=x')).toBe('token=x');
  });
});

import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { parseBody, reply, replyFormat } from './format.ts';

/** What `reply` answers for `fields`, with the request's Accept header. */
async function replied(fields: Record<string, string | number>, accept?: string): Promise<[string | null, string]> {
  const app = new Hono().get('/', (c) => reply(c, fields));
  const res = await app.request('/', { headers: accept === undefined ? {} : { accept } });
  expect(res.status).toBe(200);
  return [res.headers.get('content-type'), await res.text()];
}

describe('replyFormat', () => {
  it('chooses JSON or XML only for exactly that one type, form otherwise', () => {
    expect(replyFormat(undefined)).toBe('form');
    expect(replyFormat('')).toBe('form');
    expect(replyFormat('*/*')).toBe('form');
    expect(replyFormat('application/json, text/plain, */*')).toBe('form');
    expect(replyFormat('application/xml, application/json')).toBe('form');
    expect(replyFormat('application/json')).toBe('json');
    expect(replyFormat(' Application/JSON; charset=utf-8 ')).toBe('json');
    expect(replyFormat('application/json,')).toBe('json');
    expect(replyFormat('application/xml')).toBe('xml');
    expect(replyFormat('APPLICATION/XML;q=1')).toBe('xml');
    expect(replyFormat('text/xml')).toBe('form');
  });
});

describe('reply', () => {
  const fields = { access_token: 'gho_a&b', expires_in: 28800, scope: 'read:user', token_type: 'bearer' };

  it('form-encodes by default, in the fields’ order', async () => {
    expect(await replied(fields)).toEqual([
      'application/x-www-form-urlencoded; charset=utf-8',
      'access_token=gho_a%26b&expires_in=28800&scope=read%3Auser&token_type=bearer',
    ]);
  });

  it('answers JSON, numbers as numbers', async () => {
    const [type, text] = await replied(fields, 'application/json');
    expect(type).toBe('application/json; charset=utf-8');
    expect(text).toBe('{"access_token":"gho_a&b","expires_in":28800,"scope":"read:user","token_type":"bearer"}');
  });

  it('answers XML in an <OAuth> element, escaped', async () => {
    const [type, text] = await replied({ error: '<&">', n: 1 }, 'application/xml');
    expect(type).toBe('application/xml; charset=utf-8');
    expect(text).toBe('<OAuth><error>&lt;&amp;&quot;&gt;</error><n>1</n></OAuth>');
  });
});

describe('parseBody', () => {
  it('parses JSON and forms by their content type', () => {
    expect(parseBody('{"a":"1"}', 'application/json')).toEqual({ a: '1' });
    expect(parseBody('a=1&b=x+y', 'application/x-www-form-urlencoded')).toEqual({ a: '1', b: 'x y' });
  });

  it('without a usable content type, takes JSON, else form fields', () => {
    expect(parseBody('{"a":"1"}', undefined)).toEqual({ a: '1' });
    expect(parseBody('a=1&b=2', undefined)).toEqual({ a: '1', b: '2' });
    expect(parseBody(' a=1 \n', '')).toEqual({ a: '1' });
    expect(parseBody('a=1&b=', 'text/plain')).toEqual({ a: '1', b: '' });
    expect(parseBody('code=abc&bb=2&c=3', undefined)).toEqual({ code: 'abc', bb: '2', c: '3' });
    expect(parseBody('code=x', 'Text/Plain; charset=utf-8')).toEqual({ code: 'x' });
    expect(parseBody('code=x', ' text/plain ')).toEqual({ code: 'x' });
  });

  it('leaves anything else unparsed', () => {
    expect(parseBody('a=1', 'application/xml')).toBeUndefined();
    expect(parseBody('{"a":1', 'application/json')).toBeUndefined();
    for (const raw of ['hello', 'a=1&b', '=1', 'a b=1', '{a=1', '[a=1', 'a=1&=2', 'a=1&b&c=2', 'a=1&&b=2']) {
      expect(parseBody(raw, undefined), raw).toBeUndefined();
    }
  });
});

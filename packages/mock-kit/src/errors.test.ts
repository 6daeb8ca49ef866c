import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { defineErrors, type ErrorOverrides, type ErrorTemplate, Refusal, render, templateOf } from './errors.ts';

/** What a client receives when `template` is rendered with `overrides`. */
async function rendered(template: ErrorTemplate, overrides?: ErrorOverrides) {
  const app = new Hono().get('/', (c) => render(c, template, overrides));
  const res = await app.request('/');
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text(), headers: res.headers };
}

describe('Refusal', () => {
  it('is an Error named Refusal saying which template it names', () => {
    const r = new Refusal('QUOTA', { status: 503 });
    expect(r).toBeInstanceOf(Error);
    expect(r.name).toBe('Refusal');
    expect(r.message).toBe('refused: QUOTA');
    expect(r.overrides).toEqual({ status: 503 });
  });

  it('defineErrors refuses and raises by name; templateOf prefers the refusal’s own template, never inherited keys', () => {
    const errors = defineErrors({ GONE: { description: 'gone', status: 410, body: { error: 'gone' } } });
    expect(errors.refuse('GONE', { status: 404 })).toMatchObject({ errorName: 'GONE', overrides: { status: 404 } });
    expect(() => errors.raise('GONE')).toThrow(new Refusal('GONE'));
    expect(templateOf(new Refusal('GONE'), errors.catalogue)).toBe(errors.catalogue.GONE);
    const own = { description: 'own', status: 400, body: null };
    expect(templateOf(new Refusal('GONE', {}, own), errors.catalogue)).toBe(own);
    expect(templateOf(new Refusal('toString'), errors.catalogue)).toBeUndefined();
  });
});

describe('render', () => {
  it('merges an object override into an object body, shallowly', async () => {
    const r = await rendered(
      { description: '', status: 400, body: { error: 'bad', detail: { a: 1 } } },
      { body: { detail: { b: 2 }, extra: true } },
    );
    expect(r.status).toBe(400);
    expect(r.type).toMatch(/^application\/json/);
    expect(JSON.parse(r.text)).toEqual({ error: 'bad', detail: { b: 2 }, extra: true });
  });

  it('replaces the body when either side is not a plain object', async () => {
    const body = (b: unknown, patch: unknown) => rendered({ description: '', status: 400, body: b }, { body: patch }).then((r) => r.text);
    expect(await body(['a'], { x: 1 })).toBe('{"x":1}');
    expect(await body({ a: 1 }, ['x'])).toBe('["x"]');
    expect(await body('text', { x: 1 })).toBe('{"x":1}');
    expect(await body(null, { x: 1 })).toBe('{"x":1}');
    expect(await body({ a: 1 }, 'plain')).toBe('plain');
    expect(await body({ a: 1 }, 7)).toBe('7');
    expect(await body({ a: 1 }, undefined)).toBe('{"a":1}');
  });

  it('never changes the template itself', async () => {
    const template = { description: '', status: 400, body: { a: { b: 1 } } };
    await rendered(template, { body: { c: 2 } });
    expect(template.body).toEqual({ a: { b: 1 } });
  });

  it('sends a string, null or missing body as text/plain, with the template’s and the override’s headers', async () => {
    for (const b of ['down', null, undefined]) {
      const r = await rendered(
        { description: '', status: 503, body: b, headers: { 'retry-after': '5' } },
        { headers: { 'x-why': 'maintenance' } },
      );
      expect(r.status).toBe(503);
      expect(r.type).toBe('text/plain; charset=utf-8');
      expect(r.text).toBe(b ?? '');
      expect(r.headers.get('retry-after')).toBe('5');
      expect(r.headers.get('x-why')).toBe('maintenance');
    }
    const xml = await rendered({ description: '', status: 400, body: '<e/>', headers: { 'content-type': 'application/xml' } });
    expect(xml.type).toBe('application/xml');
  });

  it('answers 204, 205 and 304 without a body (an object, a string or none), keeping the headers', async () => {
    for (const status of [204, 205, 304]) {
      for (const body of [{ error: 'gone' }, 'gone', null]) {
        const r = await rendered({ description: '', status: 400, body, headers: { etag: '"v1"' } }, { status });
        expect([r.status, r.text, r.headers.get('etag')], `${status} ${JSON.stringify(body)}`).toEqual([status, '', '"v1"']);
      }
    }
  });

  it('uses the template’s own renderer with the merged body and the final status', async () => {
    const template: ErrorTemplate = {
      description: '',
      status: 400,
      body: { a: 1 },
      respond: (c, body, status) => c.text(`${status} ${JSON.stringify(body)}`, 418),
    };
    const r = await rendered(template, { body: { b: 2 }, status: 409 });
    expect(r.status).toBe(418);
    expect(r.text).toBe('409 {"a":1,"b":2}');
  });
});

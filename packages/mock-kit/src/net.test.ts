import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { clientIp } from './net.ts';

describe('clientIp', () => {
  const ipOf = async (env: unknown) => {
    const app = new Hono().get('/', (c) => c.text(clientIp(c)));
    return (await app.request('/', {}, env as never)).text();
  };

  it('is the socket’s remote address, IPv4-mapped addresses unwrapped, and 127.0.0.1 without a socket', async () => {
    expect(await ipOf({ incoming: { socket: { remoteAddress: '10.1.2.3' } } })).toBe('10.1.2.3');
    expect(await ipOf({ incoming: { socket: { remoteAddress: '::ffff:10.1.2.3' } } })).toBe('10.1.2.3');
    expect(await ipOf({ incoming: { socket: { remoteAddress: '2001:db8::ffff:1' } } })).toBe('2001:db8::ffff:1');
    expect(await ipOf({ incoming: { socket: {} } })).toBe('127.0.0.1');
    expect(await ipOf({ incoming: {} })).toBe('127.0.0.1');
    expect(await ipOf({})).toBe('127.0.0.1');
    expect(await ipOf(undefined)).toBe('127.0.0.1');
  });
});

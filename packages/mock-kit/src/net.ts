import type { Context } from 'hono';

/**
 * The caller's address: the socket's remote address over HTTP, 127.0.0.1 in-process (`app.request()`),
 * where no socket exists.
 */
export function clientIp(c: Context): string {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  const addr = env?.incoming?.socket?.remoteAddress ?? '127.0.0.1';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

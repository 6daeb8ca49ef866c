import type { Context } from 'hono';

/** How the token endpoint answers: GitHub's default is form-encoded. */
export type ReplyFormat = 'form' | 'json' | 'xml';

/**
 * GitHub answers JSON only when `Accept` is exactly `application/json` (and XML only for exactly
 * `application/xml`). A list such as axios's `application/json, text/plain, *\/*` gets the form reply,
 * which is why the vendor doc's `r.data.split('&')` worked (platform-notes §4, inferred).
 */
export function replyFormat(accept: string | undefined): ReplyFormat {
  const types = (accept ?? '')
    .split(',')
    .map((t) => t.split(';')[0]!.trim().toLowerCase())
    .filter(Boolean);
  if (types.length === 1 && types[0] === 'application/json') return 'json';
  if (types.length === 1 && types[0] === 'application/xml') return 'xml';
  return 'form';
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Render an ordered record in the requested format, always HTTP 200 (GitHub sends errors with 200 too). */
export function reply(c: Context, fields: Record<string, string | number>, format = replyFormat(c.req.header('accept'))): Response {
  if (format === 'json') {
    return c.body(JSON.stringify(fields), 200, { 'content-type': 'application/json; charset=utf-8' });
  }
  if (format === 'xml') {
    const inner = Object.entries(fields)
      .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
      .join('');
    return c.body(`<OAuth>${inner}</OAuth>`, 200, { 'content-type': 'application/xml; charset=utf-8' });
  }
  const form = new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)]));
  return c.body(form.toString(), 200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
}

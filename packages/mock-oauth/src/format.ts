import { defaultParseBody } from '@doppel/mock-kit';
import type { Context } from 'hono';

/** How the token endpoint answers: GitHub's default is form-encoded. */
type ReplyFormat = 'form' | 'json' | 'xml';

/**
 * GitHub answers JSON only when `Accept` is exactly `application/json` (and XML only for exactly
 * `application/xml`). A list such as axios's `application/json, text/plain, *\/*` gets the form reply,
 * which is why the vendor doc's `r.data.split('&')` worked (README, "Where the vendor doc and the real GitHub
 * differ", item 3: inferred, not verified).
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

/** A reply carrying a token (or a token error) must not be cached: RFC 6749 §5.1 (https://www.rfc-editor.org/rfc/rfc6749#section-5.1). */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;

/** Render an ordered record in the requested format, always HTTP 200 (GitHub sends errors with 200 too), never cached. */
export function reply(c: Context, fields: Readonly<Record<string, string | number>>, format = replyFormat(c.req.header('accept'))) {
  // c.json, not c.body: the kit's journal then keeps the reply as JSON and masks the tokens in it.
  if (format === 'json') return c.json(fields, 200, { 'content-type': 'application/json; charset=utf-8', ...NO_STORE });
  if (format === 'xml') {
    const inner = Object.entries(fields)
      .map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`)
      .join('');
    return c.body(`<OAuth>${inner}</OAuth>`, 200, { 'content-type': 'application/xml; charset=utf-8', ...NO_STORE });
  }
  const form = new URLSearchParams(Object.entries(fields).map(([k, v]) => [k, String(v)]));
  return c.body(form.toString(), 200, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...NO_STORE });
}

const FORM_FIELDS = /^[^=&{[\s]+=[^&]*(&[^=&]+=[^&]*)*$/;

/** JSON or form by content type; with no usable content type, whichever parses (clients are sloppy here). */
export function parseBody(raw: string, contentType: string | undefined): unknown {
  const parsed = defaultParseBody(raw, contentType);
  if (parsed !== undefined) return parsed;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text = raw.trim();
  if ((type === '' || type === 'text/plain') && FORM_FIELDS.test(text)) return Object.fromEntries(new URLSearchParams(text));
  return undefined;
}

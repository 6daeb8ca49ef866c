/** Names whose values are secrets: masked in the journal, whatever the twin. */
const SECRET_NAME = /secret|passw|token|^key$|apikey|api_key|authorization|cookie|code_verifier|ticket|credential/i;

/** Keep the last four characters so a developer can still tell two secrets apart. */
export function maskValue(value: string): string {
  if (value.length <= 8) return '****';
  return `****${value.slice(-4)}`;
}

export function isSecretName(name: string, extra?: RegExp): boolean {
  return SECRET_NAME.test(name) || (extra?.test(name) ?? false);
}

/** Deep copy of `value` with every secret-named field masked. */
export function maskDeep(value: unknown, extra?: RegExp, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, extra, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (isSecretName(k, extra) && (typeof v === 'string' || typeof v === 'number')) {
      out[k] = maskValue(String(v));
    } else {
      out[k] = maskDeep(v, extra, depth + 1);
    }
  }
  return out;
}

export function maskRecord<T extends string | string[]>(record: Record<string, T>, extra?: RegExp): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [k, v] of Object.entries(record)) {
    if (!isSecretName(k, extra)) out[k] = v;
    else out[k] = (Array.isArray(v) ? v.map(maskValue) : maskValue(v)) as T;
  }
  return out;
}

// A JSON string literal, unambiguous so the match is linear: "…" with escapes.
const JSON_PAIR = /"((?:[^"\\]|\\.)*)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;
// <name>value</name>, as XML token replies carry secrets (GitHub's `Accept: application/xml`).
const XML_ELEMENT = /<([A-Za-z_][\w.-]*)>([^<]*)<\/\1>/g;
const FORM_PAIR = /(^|[&?\s;])([^=&?\s;]+)=([^&\s;]*)/g;

/**
 * A text body (one that did not parse: broken JSON, an odd form, XML) with the values of secret-named JSON
 * members, form fields and XML elements masked, so neither a malformed token request nor an XML token reply
 * shows a secret in the journal.
 */
export function maskText(text: string, extra?: RegExp): string {
  return text
    .replace(JSON_PAIR, (all, name: string, colon: string, value: string) =>
      isSecretName(name, extra) ? `"${name}"${colon}"${maskValue(value)}"` : all,
    )
    .replace(FORM_PAIR, (all, lead: string, name: string, value: string) =>
      isSecretName(name, extra) ? `${lead}${name}=${maskValue(value)}` : all,
    )
    .replace(XML_ELEMENT, (all, name: string, value: string) =>
      isSecretName(name, extra) ? `<${name}>${maskValue(value)}</${name}>` : all,
    );
}

/**
 * JSON with the limits a real server has. PHP's json_decode stops at 512 levels (https://www.php.net/json_decode),
 * and so does the kit: deeper documents are refused before they are parsed, so no validator, masker or
 * serializer ever recurses through them.
 */
export const MAX_JSON_DEPTH = 512;

/** Whether `text` nests arrays/objects deeper than `max` (strings are skipped; linear, no allocation). */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123 /* { */ || ch === 91 /* [ */) {
      if (++depth > max) return true;
    } else if (ch === 125 /* } */ || ch === 93 /* ] */) depth--;
  }
  return false;
}

/** `JSON.parse`, or undefined when the text is not JSON or nests deeper than `maxDepth`. */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  // Only a document with that many brackets can be too deep: short texts skip the scan.
  if (text.length > maxDepth * 2 && jsonTooDeep(text, maxDepth)) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

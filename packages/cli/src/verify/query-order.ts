/**
 * ZenTao signs the query in the order sent (`commonModel::checkEntry`, packages/mock-zentao README "Signature
 * check"), but a pact stores the query as a map and the verifier replays it in its own order. The order vendor doc
 * 003 writes every URL in is put back: `m`, `f`, the method's own parameters (in the order the pact lists them),
 * `code`, `time`, `token`.
 */
export function zentaoOrder(pairs: [string, string][]): [string, string][] {
  const head = ['m', 'f'];
  const tail = ['code', 'time', 'token'];
  const rank = (k: string) => (head.includes(k) ? head.indexOf(k) - 10 : tail.includes(k) ? tail.indexOf(k) + 10 : 0);
  return pairs
    .map((p, i) => [p, i] as const)
    .sort(([a, i], [b, j]) => rank(a[0]) - rank(b[0]) || i - j)
    .map(([p]) => p);
}

/** A URL's query re-ordered by `order`, every byte of each pair kept as sent. */
export function reorderUrl(url: string, order: (pairs: [string, string][]) => [string, string][]): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const raw = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean);
  const pairs = raw.map((part) => {
    const eq = part.indexOf('=');
    return [eq < 0 ? part : part.slice(0, eq), part] as [string, string];
  });
  const names = pairs.map(([k]) => decodeURIComponent(k.replace(/\+/g, ' ')));
  const byName = pairs.map((p, i) => [names[i]!, p[1]] as [string, string]);
  return `${url.slice(0, q)}?${order(byName)
    .map(([, part]) => part)
    .join('&')}`;
}

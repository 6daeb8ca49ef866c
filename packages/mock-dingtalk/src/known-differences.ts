import type { KnownDifference } from '@doppel/mock-kit';

const README = 'Where the vendor doc and the real platform differ, and what the twin does';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The README's doc-versus-DingTalk differences a consumer's pact can trip on, for `doppel verify`. */
export const knownDifferences: KnownDifference[] = [
  {
    id: 'v1-no-errcode',
    title: "v1.0 answers carry no errcode: the legacy errcode: 0 the doc's sample checks is not there",
    readme: README,
    difference:
      "v1.0 answers carry no errcode. The doc's sample checks the legacy errcode: 0 (DingResponse); the v1.0 API answers " +
      'success as HTTP 200 with the resource alone, and failure as a 4xx {code, message, requestid}. Only the legacy /gettoken ' +
      'answers errcode.',
    applies: (i) => i.path.startsWith('/v1.0/') && isObject(i.expected.body) && 'errcode' in i.expected.body,
  },
  {
    id: 'next-cursor',
    title: 'the paging cursor is nextToken, never nextCursor',
    readme: README,
    difference:
      'nextToken. The sample reads nextCursor, which the API never returns; the twin returns nextToken only (when hasMore is true).',
    applies: (i) => isObject(i.expected.body) && 'nextCursor' in i.expected.body,
  },
  {
    id: 'invoke-business-failure',
    title: 'a failing action answers HTTP 200 with a non-zero errorCode',
    readme: README,
    difference: 'Invoke business failure comes back as HTTP 200 with a non-zero errorCode (as on the real platform), not as a 4xx.',
    applies: (i) => i.path.endsWith('/invoke') && (i.expected.status ?? 200) >= 400,
  },
];

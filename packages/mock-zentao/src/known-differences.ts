import type { KnownDifference } from '@doppel/mock-kit';

/** The token vendor doc 003 prints on every URL: the token of `m=chat&f=getChatUsers&code=myAppCode`. */
export const DOC_PRINTED_TOKEN = 'f5633c34c0c551a16c1d63bceb38d6a8';
const README = 'Where the doc and the real server disagree (the twin follows the server)';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The README's doc-versus-ZenTao differences a consumer's pact can trip on, for `doppel verify`. */
export const knownDifferences: KnownDifference[] = [
  {
    id: 'doc-printed-token',
    title: "the token printed in ZenTao's doc belongs to another query (m=chat&f=getChatUsers&code=myAppCode)",
    readme: README,
    difference:
      "The doc's token example. md5(md5('m=im&f=getChatUsers&code=myAppCode') + key) is 6611ac3952bcdeb4277274d081885dd2, " +
      `not the printed ${DOC_PRINTED_TOKEN}: that one is the token of the $query declared a line earlier ` +
      '(m=chat&f=getChatUsers&code=myAppCode), and the doc reuses it on every URL. Compute the token of the query you send.',
    applies: (i) => i.query.token?.[0] === DOC_PRINTED_TOKEN,
  },
  {
    id: 'sender-required',
    title: 'sender is required on sendNotification and sendChatMessage, though the doc marks it optional',
    readme: README,
    difference: 'sender is required on both sends (the doc marks it optional): ZenTao answers 应当设置发送方信息。',
    applies: (i, entry) =>
      ['sendNotification', 'sendChatMessage'].includes(i.query.f?.[0] ?? '') &&
      isObject(i.body) &&
      !('sender' in i.body) &&
      (entry === undefined || (isObject(entry.responseBody) && entry.responseBody.message === '应当设置发送方信息。')),
  },
  {
    id: 'send-success-message',
    title: 'a send answers {"result":"success","message":""}',
    readme: README,
    difference: 'Send success is {"result":"success","message":""} (the doc shows no message).',
    applies: (i) =>
      ['sendNotification', 'sendChatMessage'].includes(i.query.f?.[0] ?? '') &&
      isObject(i.expected.body) &&
      i.expected.body.result === 'success' &&
      'message' in i.expected.body &&
      i.expected.body.message !== '',
  },
];

/**
 * The four examples of vendor doc 001 ("ONES API interception"), written as the doc writes them, with the
 * SDK's `fetchONES` in place of `@ones-op/node-fetch` and an in-memory list in place of `./suffix.txt`.
 * `calls` records which function ran, in order, so tests can compare it with the twin's journal.
 */
import { fetchONES, type PluginRequest, type PluginResponse } from '../../src/ones/plugin.ts';

export const calls: string[] = [];
/** What suffixFunc "wrote to workspace/suffix.txt". */
export const suffixFile: string[] = [];

// replace: set the page title to "plugin title" by calling the original ONES API.
// biome-ignore lint/suspicious/noExplicitAny: the doc's signature
export async function jackFunc(request: PluginRequest<Record<string, any>>): Promise<PluginResponse> {
  calls.push('jackFunc');
  let userUUID = '';
  let userToken = '';
  if (request.headers['Ones-User-Id'] != null) {
    userUUID = request.headers['Ones-User-Id'];
    userToken = request.headers['Ones-Auth-Token'] ?? '';
  }
  const response = await fetchONES({
    path: '/wiki' + request.url,
    method: 'POST',
    headers: {
      'Ones-User-Id': [userUUID],
      'Ones-Auth-Token': [userToken],
    },
    body: {
      title: 'plugin title',
    },
    root: false,
  });
  if (response) {
    return response;
  }
  return {
    body: {},
  };
}

// prefix: append "-plugin" to the title of this modification.
// biome-ignore lint/suspicious/noExplicitAny: the doc's signature
export async function prefixFunc(request: PluginRequest<Record<string, any>>): Promise<PluginResponse> {
  calls.push('prefixFunc');
  // biome-ignore lint/suspicious/noExplicitAny: as in the doc
  const body = request?.body as any;
  // biome-ignore lint/suspicious/noExplicitAny: as in the doc
  const headers = request?.headers as any;
  body.title = body.title + '-plugin';
  return {
    headers: headers,
    body: body,
  };
}

// suffix: record the request once ONES has answered.
// biome-ignore lint/suspicious/noExplicitAny: the doc's signature
export async function suffixFunc(request: PluginRequest<Record<string, any>>): Promise<PluginResponse> {
  calls.push('suffixFunc');
  suffixFile.push(JSON.stringify(request, undefined, 2));
  return {
    body: {},
  };
}

// custom query param: two replace functions for the same url.
export async function replaceFunc1(_request: PluginRequest): Promise<PluginResponse> {
  calls.push('replaceFunc1');
  return { body: { replacedBy: 'replaceFunc1' } };
}

export async function replaceFunc2(_request: PluginRequest): Promise<PluginResponse> {
  calls.push('replaceFunc2');
  return { body: { replacedBy: 'replaceFunc2' } };
}

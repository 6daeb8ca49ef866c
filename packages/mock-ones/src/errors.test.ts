import { describe, expect, it } from 'vitest';
import { alice } from './fixtures.ts';
import { createApp } from './server.ts';
import { as, P } from './test-helpers.ts';

const ones = (code: number, errcode: string, reason: string, type: string) => ({ code, errcode, reason, type });
const plugin = (code: number, errcode: string) => ({
  ...ones(code, errcode, 'PluginRequestFailed', 'PluginError'),
  plugin: '',
  function: '',
  message: '',
});

/** ONES's error catalogue, as README "What it serves" documents it. */
const CATALOGUE: [name: string, status: number, body: object, description: string][] = [
  [
    'INVALID_TOKEN',
    401,
    ones(401, 'AuthFailure.InvalidToken', 'InvalidToken', 'AuthFailure'),
    'Missing or wrong Ones-User-Id / Ones-Auth-Token',
  ],
  [
    'LOGIN_FAILED',
    401,
    ones(401, 'AuthFailure.InvalidPassword', 'InvalidPassword', 'AuthFailure'),
    'Login with an unknown email/phone or a wrong password',
  ],
  [
    'PERMISSION_DENIED',
    403,
    ones(403, 'PermissionDenied', 'PermissionDenied', 'PermissionDenied'),
    'The user is not a member of the team in the path',
  ],
  ['NOT_FOUND', 404, ones(404, 'NotFound', 'NotFound', 'NotFound'), 'No such team, organisation, task or page (errcode names the model)'],
  ['ROUTE_NOT_FOUND', 404, ones(404, 'NotFound.Route', 'NotFound', 'NotFound'), 'A path or method ONES does not serve'],
  [
    'INVALID_PARAMETER',
    400,
    ones(400, 'InvalidParameter', 'InvalidParameter', 'InvalidParameter'),
    'A parameter or body field fails validation (field names the first one)',
  ],
  [
    'PAYLOAD_TOO_LARGE',
    413,
    ones(413, 'RequestEntityTooLarge', 'RequestEntityTooLarge', 'RequestEntityTooLarge'),
    "A request body over the twin's limit (1 MiB unless bodyLimit says otherwise); the connection then closes",
  ],
  ['TOO_MANY_REQUESTS', 429, ones(429, 'TooManyRequests', 'TooManyRequests', 'TooManyRequests'), 'Rate limited'],
  ['SERVER_ERROR', 500, ones(500, 'ServerError', 'ServerError', 'ServerError'), 'ONES failed internally'],
  [
    'PLUGIN_UNREACHABLE',
    502,
    plugin(502, 'PluginError.Unreachable'),
    'A plugin function could not be reached (connection refused, DNS, reset)',
  ],
  ['PLUGIN_TIMEOUT', 504, plugin(504, 'PluginError.Timeout'), 'A plugin function did not answer within the plugin timeout'],
  ['PLUGIN_BAD_STATUS', 502, plugin(502, 'PluginError.BadStatus'), 'A plugin function answered with an HTTP error status'],
  [
    'PLUGIN_INVALID_RESPONSE',
    502,
    plugin(502, 'PluginError.InvalidResponse'),
    'A plugin function answered something that is not a PluginResponse (not JSON, not an object, bad statusCode)',
  ],
  ['PLUGIN_FUNCTION_FAILED', 502, plugin(502, 'PluginError.FunctionFailed'), 'A library-form plugin function is missing or threw'],
];

describe('onesErrors', () => {
  it('is the documented catalogue, listed by GET /__admin/scenarios', async () => {
    const { app } = createApp();
    const listed = (await (await app.request('/__admin/scenarios')).json()) as { scenarios: unknown[] };
    expect(listed.scenarios).toEqual(CATALOGUE.map(([name, status, body, description]) => ({ name, description, status, body })));
  });

  it.each(CATALOGUE)('%s answers %i in ONES’s shape when a scenario forces it', async (name, status, body) => {
    const { app, twin } = createApp();
    const res = await app.request(`${P}/users/me`, as(alice, { 'x-doppel-scenario': name }));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual(body);
    expect(twin.journal.all()[0]!.error).toBe(name);
  });
});

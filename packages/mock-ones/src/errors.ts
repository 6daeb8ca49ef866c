import { defineErrors } from '@doppel/mock-kit';
import type { components } from './generated/openapi.ts';

/** ONES's error body `{code, errcode, reason, type}`: the `Error` schema of contracts/openapi/ones.yaml. */
const ones = (code: number, errcode: string, reason: string, type: string): components['schemas']['Error'] => ({
  code,
  errcode,
  reason,
  type,
});

/**
 * ONES's named errors. The first is confirmed; the others follow the same shape with ONES's errcode naming
 * (`Type.Detail`) and are the twin's choice where ONES's exact text is unconfirmed (README, "Where the docs and
 * the real platform differ").
 */
export const onesErrors = defineErrors({
  INVALID_TOKEN: {
    description: 'Missing or wrong Ones-User-Id / Ones-Auth-Token',
    status: 401,
    body: ones(401, 'AuthFailure.InvalidToken', 'InvalidToken', 'AuthFailure'),
  },
  LOGIN_FAILED: {
    description: 'Login with an unknown email/phone or a wrong password',
    status: 401,
    body: ones(401, 'AuthFailure.InvalidPassword', 'InvalidPassword', 'AuthFailure'),
  },
  PERMISSION_DENIED: {
    description: 'The user is not a member of the team in the path',
    status: 403,
    body: ones(403, 'PermissionDenied', 'PermissionDenied', 'PermissionDenied'),
  },
  NOT_FOUND: {
    description: 'No such team, organisation, task or page (errcode names the model)',
    status: 404,
    body: ones(404, 'NotFound', 'NotFound', 'NotFound'),
  },
  ROUTE_NOT_FOUND: {
    description: 'A path or method ONES does not serve',
    status: 404,
    body: ones(404, 'NotFound.Route', 'NotFound', 'NotFound'),
  },
  INVALID_PARAMETER: {
    description: 'A parameter or body field fails validation (field names the first one)',
    status: 400,
    body: ones(400, 'InvalidParameter', 'InvalidParameter', 'InvalidParameter'),
  },
  PAYLOAD_TOO_LARGE: {
    description: "A request body over the twin's limit (1 MiB unless bodyLimit says otherwise); the connection then closes",
    status: 413,
    body: ones(413, 'RequestEntityTooLarge', 'RequestEntityTooLarge', 'RequestEntityTooLarge'),
  },
  TOO_MANY_REQUESTS: {
    description: 'Rate limited',
    status: 429,
    body: ones(429, 'TooManyRequests', 'TooManyRequests', 'TooManyRequests'),
  },
  SERVER_ERROR: {
    description: 'ONES failed internally',
    status: 500,
    body: ones(500, 'ServerError', 'ServerError', 'ServerError'),
  },
  PLUGIN_UNREACHABLE: {
    description: 'A plugin function could not be reached (connection refused, DNS, reset)',
    status: 502,
    body: { ...ones(502, 'PluginError.Unreachable', 'PluginRequestFailed', 'PluginError'), plugin: '', function: '', message: '' },
  },
  PLUGIN_TIMEOUT: {
    description: 'A plugin function did not answer within the plugin timeout',
    status: 504,
    body: { ...ones(504, 'PluginError.Timeout', 'PluginRequestFailed', 'PluginError'), plugin: '', function: '', message: '' },
  },
  PLUGIN_BAD_STATUS: {
    description: 'A plugin function answered with an HTTP error status',
    status: 502,
    body: { ...ones(502, 'PluginError.BadStatus', 'PluginRequestFailed', 'PluginError'), plugin: '', function: '', message: '' },
  },
  PLUGIN_INVALID_RESPONSE: {
    description: 'A plugin function answered something that is not a PluginResponse (not JSON, not an object, bad statusCode)',
    status: 502,
    body: { ...ones(502, 'PluginError.InvalidResponse', 'PluginRequestFailed', 'PluginError'), plugin: '', function: '', message: '' },
  },
  PLUGIN_FUNCTION_FAILED: {
    description: 'A library-form plugin function is missing or threw',
    status: 502,
    body: { ...ones(502, 'PluginError.FunctionFailed', 'PluginRequestFailed', 'PluginError'), plugin: '', function: '', message: '' },
  },
});

export type OnesErrorName = keyof typeof onesErrors.catalogue;

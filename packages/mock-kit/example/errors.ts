import { defineErrors } from '../src/index.ts';

/**
 * The platform's own errors, each a template with its status and body. A handler raises one by name
 * (`exampleErrors.raise('NOT_FOUND')`); the kit renders it, and scenarios force the same templates.
 */
export const exampleErrors = defineErrors({
  NOT_FOUND: { description: 'No such thing', status: 404, body: { error: 'not_found' } },
  NO_ROUTE: { description: 'No such path or method', status: 404, body: { error: 'no_route' } },
  BAD_KEY: { description: 'Unknown key', status: 401, body: { error: 'bad_key' } },
  INVALID: { description: 'Validation failed', status: 422, body: { error: 'invalid', issues: [] } },
  QUOTA: { description: 'Over quota', status: 429, body: { error: 'quota' }, headers: { 'retry-after': '60' } },
  SERVER_ERROR: { description: 'The platform failed', status: 500, body: { error: 'server_error' } },
});

export type ExampleErrorName = keyof typeof exampleErrors.catalogue;

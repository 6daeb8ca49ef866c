import type { KnownDifference } from '@doppel/mock-kit';

const README = 'Where the vendor doc and the real GitHub differ (the twin follows GitHub)';

/** The README's doc-versus-GitHub differences a consumer's pact can trip on, for `doppel verify`. */
export const knownDifferences: KnownDifference[] = [
  {
    id: 'access-token-query',
    title: 'GitHub no longer accepts ?access_token= (401 Bad credentials since 2021-09-08): send Authorization: Bearer',
    readme: README,
    difference:
      'GET /user?access_token=… now answers 401 Bad credentials (GitHub since 2021-09-08), even for a live token. ' +
      "Use Authorization: Bearer. The doc's step 3 fails against the twin, as it does against GitHub.",
    applies: (i, entry) => i.path.startsWith('/user') && 'access_token' in i.query && (entry === undefined || entry.status === 401),
  },
  {
    id: 'errors-with-200',
    title: 'token errors arrive with HTTP 200 (error=… in the body)',
    readme: README,
    difference:
      "Errors arrive with HTTP 200. The doc's r.data.split('&')[0].split('=')[1] stores bad_verification_code as the " +
      '"token" when the code is bad; GitHub answers error=… with status 200.',
    applies: (i) => i.path === '/login/oauth/access_token' && (i.expected.status ?? 200) >= 400,
  },
];

import type { KnownDifference } from '@doppel/mock-kit';

const README = 'Where the docs and the real platform differ, and the choices made';

/** The README's doc-versus-ONES differences a consumer's pact can trip on, for `doppel verify`. */
export const knownDifferences: KnownDifference[] = [
  {
    id: 'path-prefix',
    title: 'ONES serves these APIs under /project/api/project and /wiki/api/wiki',
    readme: README,
    difference:
      "Paths. The doc's urls (/users/me, /team/:teamUUID/online_page/…) have no prefix. Real ONES serves them under " +
      '/project/api/project and /wiki/api/wiki.',
    applies: (i) => /^\/(users|team)\//.test(i.path),
  },
];

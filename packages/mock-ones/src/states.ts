import type { NamedState } from '@doppel/mock-kit';
import type { OnesFixtures } from './fixtures.ts';

/** Named states: the ONES Pact provider states and QA presets (POST /__admin/states/{name}). */
export const onesStates: Record<string, NamedState<OnesFixtures>> = {
  'default org': {
    description: 'The default fixtures: Alice (owner, teams Alpha and Beta), Bob (team Alpha), page "Welcome" in Alpha',
    apply: (f) => f,
  },
  'page titled': {
    description: 'The Welcome page of team Alpha carries params.title (default "Release notes")',
    apply: (f, p) => ({
      ...f,
      pages: f.pages.map((page, i) => (i === 0 ? { ...page, title: String(p.title ?? 'Release notes') } : page)),
    }),
  },
  'no projects': {
    description: 'Every team has no projects and no tasks',
    apply: (f) => ({ ...f, projects: [], tasks: [] }),
  },
};

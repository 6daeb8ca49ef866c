import type { OnesFixtures, OnesPageFixture, OnesProjectFixture, OnesTaskFixture, OnesTeamFixture, OnesUserFixture } from './fixtures.ts';
import { PluginRegistry } from './plugins/registry.ts';

/** The live state of the ONES twin: what handlers read and change. Plugins live here too (reset clears them). */
export interface OnesRuntime {
  org: OnesFixtures['org'];
  users: Map<string, OnesUserFixture>;
  teams: Map<string, OnesTeamFixture>;
  projects: OnesProjectFixture[];
  tasks: Map<string, OnesTaskFixture>;
  pages: Map<string, OnesPageFixture>;
  /** Microseconds since the epoch of each user's last authenticated request. */
  accessTimes: Map<string, number>;
  plugins: PluginRegistry;
}

export function seed(f: OnesFixtures): OnesRuntime {
  const teams = new Map(f.teams.map((t) => [t.uuid, t]));
  return {
    org: f.org,
    users: new Map(f.users.map((u) => [u.uuid, u])),
    teams,
    projects: f.projects,
    tasks: new Map(f.tasks.map((t) => [t.uuid, t])),
    pages: new Map(f.pages.map((p) => [p.uuid, p])),
    accessTimes: new Map(),
    plugins: new PluginRegistry(() => [...teams.keys()]),
  };
}

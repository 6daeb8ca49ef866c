import { BoundedMap } from '@doppel/mock-kit';
import type { OnesFixtures, OnesPageFixture, OnesProjectFixture, OnesTaskFixture, OnesTeamFixture, OnesUserFixture } from './fixtures.ts';
import { PluginRegistry } from './plugins/registry.ts';

/**
 * The live state of the ONES twin: what handlers read and change. Plugins live here too (reset clears them).
 * What changes is in kit containers (BoundedMap, the registry's Cell), so a shared store keeps it in step across
 * replicas (the kit's README, "A shared QA twin"); users, teams, projects and tasks are the fixtures'.
 */
export interface OnesRuntime {
  org: OnesFixtures['org'];
  users: Map<string, OnesUserFixture>;
  teams: Map<string, OnesTeamFixture>;
  projects: OnesProjectFixture[];
  tasks: Map<string, OnesTaskFixture>;
  /** Pages by uuid; an edit replaces the record (`pages.update`), never changes it in place. */
  pages: BoundedMap<string, OnesPageFixture>;
  /** Microseconds since the epoch of each user's last authenticated request (users are the fixtures'). */
  accessTimes: BoundedMap<string, number>;
  plugins: PluginRegistry;
}

/** The bound of a store the fixtures already bound (pages, users' access times): a kit container for sharing. */
const UNREACHED = 10_000_000;

export function seed(f: OnesFixtures, twin: { clock: { now(): number } }): OnesRuntime {
  const teams = new Map(f.teams.map((t) => [t.uuid, t]));
  const now = () => twin.clock.now();
  const pages = new BoundedMap<string, OnesPageFixture>(UNREACHED, now);
  for (const p of f.pages) pages.set(p.uuid, p);
  return {
    org: f.org,
    users: new Map(f.users.map((u) => [u.uuid, u])),
    teams,
    projects: f.projects,
    tasks: new Map(f.tasks.map((t) => [t.uuid, t])),
    pages,
    accessTimes: new BoundedMap(UNREACHED, now),
    plugins: new PluginRegistry(() => [...teams.keys()]),
  };
}

/**
 * The ONES twin's fixtures: one organisation, its users (with fixed passwords and tokens), teams,
 * projects, tasks and wiki pages. Every default below is fixed and documented in the README.
 */

export interface OnesUserFixture {
  uuid: string;
  email: string;
  phone: string;
  name: string;
  name_pinyin: string;
  title: string;
  avatar: string;
  company: string;
  /** The login password. */
  password: string;
  /** The Ones-Auth-Token this user authenticates with (also what login returns). */
  token: string;
  /** Microseconds since the epoch, as ONES stores times. */
  create_time: number;
  status: number;
}

export interface OnesTeamFixture {
  uuid: string;
  name: string;
  owner: string;
  /** User uuids of the team's members. */
  members: string[];
  create_time: number;
}

export interface OnesProjectFixture {
  uuid: string;
  team_uuid: string;
  name: string;
  owner: string;
  status_uuid: string;
  create_time: number;
}

export interface OnesTaskFixture {
  uuid: string;
  team_uuid: string;
  project_uuid: string;
  number: number;
  summary: string;
  owner: string;
  assign: string;
  status_uuid: string;
  create_time: number;
}

export interface OnesPageFixture {
  uuid: string;
  team_uuid: string;
  space_uuid: string;
  title: string;
  owner_uuid: string;
  updated_time: number;
}

export interface OnesFixtures {
  org: { uuid: string; name: string; owner: string };
  users: OnesUserFixture[];
  teams: OnesTeamFixture[];
  projects: OnesProjectFixture[];
  tasks: OnesTaskFixture[];
  pages: OnesPageFixture[];
}

/** 2024-01-01T00:00:00Z in microseconds. */
const T0 = 1_704_067_200_000_000;

export const ORG_UUID = 'DoppOrg1';
export const TEAM_ALPHA = 'TeamAlph';
export const TEAM_BETA = 'TeamBeta';
export const PAGE_WELCOME = 'PageWlc1';
export const PAGE_BETA = 'PageBta1';

export const alice: OnesUserFixture = {
  uuid: 'AliceU01',
  email: 'alice@doppel.test',
  phone: '13800000001',
  name: 'Alice',
  name_pinyin: 'alice',
  title: 'Owner',
  avatar: '',
  company: 'Doppel',
  password: 'alice-password',
  token: 'alice-token-0001',
  create_time: T0,
  status: 1,
};

export const bob: OnesUserFixture = {
  uuid: 'BobUse02',
  email: 'bob@doppel.test',
  phone: '13800000002',
  name: 'Bob',
  name_pinyin: 'bob',
  title: 'Developer',
  avatar: '',
  company: 'Doppel',
  password: 'bob-password',
  token: 'bob-token-0002',
  create_time: T0 + 1_000_000,
  status: 1,
};

export const defaultFixtures = (): OnesFixtures => ({
  org: { uuid: ORG_UUID, name: 'Doppel Org', owner: alice.uuid },
  users: [structuredClone(alice), structuredClone(bob)],
  teams: [
    { uuid: TEAM_ALPHA, name: 'Alpha', owner: alice.uuid, members: [alice.uuid, bob.uuid], create_time: T0 },
    { uuid: TEAM_BETA, name: 'Beta', owner: alice.uuid, members: [alice.uuid], create_time: T0 },
  ],
  projects: [
    { uuid: 'ProjAlpha0000001', team_uuid: TEAM_ALPHA, name: 'Twin', owner: alice.uuid, status_uuid: 'to_do', create_time: T0 },
    { uuid: 'ProjAlpha0000002', team_uuid: TEAM_ALPHA, name: 'Plugins', owner: bob.uuid, status_uuid: 'in_progress', create_time: T0 },
    { uuid: 'ProjBeta00000001', team_uuid: TEAM_BETA, name: 'Beta launch', owner: alice.uuid, status_uuid: 'to_do', create_time: T0 },
  ],
  tasks: [
    {
      uuid: 'AliceU01Task0001',
      team_uuid: TEAM_ALPHA,
      project_uuid: 'ProjAlpha0000001',
      number: 1,
      summary: 'Write the ONES twin',
      owner: alice.uuid,
      assign: bob.uuid,
      status_uuid: 'to_do',
      create_time: T0,
    },
  ],
  pages: [
    { uuid: PAGE_WELCOME, team_uuid: TEAM_ALPHA, space_uuid: 'SpaceAl1', title: 'Welcome', owner_uuid: alice.uuid, updated_time: T0 },
    { uuid: PAGE_BETA, team_uuid: TEAM_BETA, space_uuid: 'SpaceBt1', title: 'Beta notes', owner_uuid: alice.uuid, updated_time: T0 },
  ],
});

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const strict = (required: string[], properties: Record<string, unknown>) => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties,
});

export const fixturesSchema = strict(['org', 'users', 'teams', 'projects', 'tasks', 'pages'], {
  org: strict(['uuid', 'name', 'owner'], { uuid: str, name: str, owner: str }),
  users: {
    type: 'array',
    items: strict(
      ['uuid', 'email', 'phone', 'name', 'name_pinyin', 'title', 'avatar', 'company', 'password', 'token', 'create_time', 'status'],
      {
        uuid: { type: 'string', minLength: 1 },
        email: str,
        phone: str,
        name: str,
        name_pinyin: str,
        title: str,
        avatar: str,
        company: str,
        password: { type: 'string', minLength: 1 },
        token: { type: 'string', minLength: 1 },
        create_time: int,
        status: int,
      },
    ),
  },
  teams: {
    type: 'array',
    items: strict(['uuid', 'name', 'owner', 'members', 'create_time'], {
      uuid: { type: 'string', minLength: 1 },
      name: str,
      owner: str,
      members: { type: 'array', items: str },
      create_time: int,
    }),
  },
  projects: {
    type: 'array',
    items: strict(['uuid', 'team_uuid', 'name', 'owner', 'status_uuid', 'create_time'], {
      uuid: str,
      team_uuid: str,
      name: str,
      owner: str,
      status_uuid: str,
      create_time: int,
    }),
  },
  tasks: {
    type: 'array',
    items: strict(['uuid', 'team_uuid', 'project_uuid', 'number', 'summary', 'owner', 'assign', 'status_uuid', 'create_time'], {
      uuid: str,
      team_uuid: str,
      project_uuid: str,
      number: int,
      summary: str,
      owner: str,
      assign: str,
      status_uuid: str,
      create_time: int,
    }),
  },
  pages: {
    type: 'array',
    items: strict(['uuid', 'team_uuid', 'space_uuid', 'title', 'owner_uuid', 'updated_time'], {
      uuid: str,
      team_uuid: str,
      space_uuid: str,
      title: str,
      owner_uuid: str,
      updated_time: int,
    }),
  },
});

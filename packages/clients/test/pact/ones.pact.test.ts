import { MatchersV3 } from '@pact-foundation/pact';
import { describe, expect, it } from 'vitest';
import { createOnesClient } from '../../src/ones/client.ts';
import { registerPlugin } from '../../src/ones/plugin.ts';
import { pactBetween } from './pact.ts';

/**
 * Consumer side of the ONES contract: the ONES client (and the plugin SDK's registration) drive every
 * interaction; contracts/test/ones.provider.test.ts verifies the pact against the twin.
 * Values are the twin's documented defaults (packages/mock-ones/README.md).
 */
const pact = pactBetween('doppel-ones-client', 'doppel-ones');

const { integer, like, eachLike } = MatchersV3;
const ALICE = { uuid: 'AliceU01', token: 'alice-token-0001', email: 'alice@doppel.test', password: 'alice-password' };
const BOB = { uuid: 'BobUse02', token: 'bob-token-0002' };
const ORG = 'DoppOrg1';
const ALPHA = 'TeamAlph';
const BETA = 'TeamBeta';
const PAGE = 'PageWlc1';
const DEFAULT = 'default org';

const auth = (u: { uuid: string; token: string }) => ({ 'Ones-User-Id': u.uuid, 'Ones-Auth-Token': u.token });
const as = (baseUrl: string, u: { uuid: string; token: string } = ALICE) =>
  createOnesClient({ baseUrl, credentials: { userId: u.uuid, token: u.token } });
const team = (uuid: string, name: string) => ({ uuid, name, owner: ALICE.uuid, org_uuid: ORG, status: 1, create_time: integer(1) });
/** The fields login's user and users/me share. */
const PROFILE = {
  uuid: ALICE.uuid,
  email: ALICE.email,
  name: 'Alice',
  name_pinyin: like('alice'),
  title: like('Owner'),
  avatar: like(''),
  phone: like('13800000001'),
  create_time: integer(1),
};
const INVALID_TOKEN = { code: 401, errcode: 'AuthFailure.InvalidToken', reason: 'InvalidToken', type: 'AuthFailure' };

describe('ONES client ↔ twin contract', () => {
  it('logs in with email and password', () =>
    pact
      .addInteraction()
      .given(DEFAULT)
      .uponReceiving('a login with email and password')
      .withRequest('POST', '/project/api/project/auth/login', (b) => b.jsonBody({ email: ALICE.email, password: ALICE.password }))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          user: {
            ...PROFILE,
            status: 1,
            channel: like(ALICE.uuid),
            token: ALICE.token,
            license_types: eachLike(1),
          },
          teams: [team(ALPHA, 'Alpha'), team(BETA, 'Beta')],
          org: { uuid: ORG, name: like('Doppel Org') },
        }),
      )
      .executeTest(async (server) => {
        const client = createOnesClient({ baseUrl: server.url });
        const r = await client.login({ email: ALICE.email, password: ALICE.password });
        expect(r.data?.teams).toHaveLength(2);
        expect(client.credentials).toEqual({ userId: ALICE.uuid, token: ALICE.token });
      }));

  it('is refused a login with a wrong password', () =>
    pact
      .addInteraction()
      .given(DEFAULT)
      .uponReceiving('a login with a wrong password')
      .withRequest('POST', '/project/api/project/auth/login', (b) => b.jsonBody({ email: ALICE.email, password: 'wrong' }))
      .willRespondWith(401, (b) => b.jsonBody({ code: 401, errcode: like('AuthFailure.InvalidPassword'), type: 'AuthFailure' }))
      .executeTest(async (server) => {
        const r = await createOnesClient({ baseUrl: server.url }).login({ email: ALICE.email, password: 'wrong' });
        expect(r.error).toMatchObject({ status: 401, type: 'AuthFailure' });
      }));

  it('reads the current user', () =>
    pact
      .addInteraction()
      .given(DEFAULT)
      .uponReceiving('GET users/me with valid credentials')
      .withRequest('GET', '/project/api/project/users/me', (b) => b.headers(auth(ALICE)))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          ...PROFILE,
          access_time: integer(1),
          status: 1,
          org_uuid: ORG,
          company: like('Doppel'),
          license_types: eachLike(1),
          verify_status: integer(1),
          sync_types: [],
        }),
      )
      .executeTest(async (server) => {
        expect((await as(server.url).me()).data?.uuid).toBe(ALICE.uuid);
      }));

  it('is refused with a wrong token (ONES’s own 401)', () =>
    pact
      .addInteraction()
      .given(DEFAULT)
      .uponReceiving('GET users/me with a wrong token')
      .withRequest('GET', '/project/api/project/users/me', (b) => b.headers(auth({ uuid: ALICE.uuid, token: 'wrong-token' })))
      .willRespondWith(401, (b) => b.jsonBody(INVALID_TOKEN))
      .executeTest(async (server) => {
        const r = await as(server.url, { uuid: ALICE.uuid, token: 'wrong-token' }).me();
        expect(r.error).toMatchObject({ status: 401, errcode: 'AuthFailure.InvalidToken' });
      }));

  it('lists the organisation’s teams', () =>
    pact
      .addInteraction()
      .given(DEFAULT)
      .uponReceiving('GET the organisation teams')
      .withRequest('GET', `/project/api/project/organization/${ORG}/teams`, (b) => b.headers(auth(ALICE)))
      .willRespondWith(200, (b) => b.jsonBody({ teams: [team(ALPHA, 'Alpha'), team(BETA, 'Beta')] }))
      .executeTest(async (server) => {
        expect((await as(server.url).organizationTeams(ORG)).data?.teams.map((t) => t.uuid)).toEqual([ALPHA, BETA]);
      }));

  it('lists a team’s projects', () =>
    pact
      .addInteraction()
      .given(DEFAULT)
      .uponReceiving('GET the projects of team Alpha')
      .withRequest('GET', `/project/api/project/team/${ALPHA}/projects/my_project`, (b) => b.headers(auth(ALICE)))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          projects: eachLike({
            uuid: like('ProjAlpha0000001'),
            name: like('Twin'),
            owner: like(ALICE.uuid),
            status_uuid: like('to_do'),
            create_time: integer(1),
          }),
        }),
      )
      .executeTest(async (server) => {
        expect((await as(server.url).teamProjects(ALPHA)).data?.projects.length).toBeGreaterThan(0);
      }));

  it('is refused a team it is not a member of', () =>
    pact
      .addInteraction()
      .given(DEFAULT)
      .uponReceiving('GET the projects of a team the caller is not in')
      .withRequest('GET', `/project/api/project/team/${BETA}/projects/my_project`, (b) => b.headers(auth(BOB)))
      .willRespondWith(403, (b) => b.jsonBody({ code: 403, errcode: 'PermissionDenied', type: like('PermissionDenied') }))
      .executeTest(async (server) => {
        expect((await as(server.url, BOB).teamProjects(BETA)).error).toMatchObject({ status: 403, errcode: 'PermissionDenied' });
      }));

  it('reads a task', () =>
    pact
      .addInteraction()
      .given(DEFAULT)
      .uponReceiving('GET task info')
      .withRequest('GET', `/project/api/project/team/${ALPHA}/task/AliceU01Task0001/info`, (b) => b.headers(auth(ALICE)))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          uuid: 'AliceU01Task0001',
          number: integer(1),
          summary: like('Write the ONES twin'),
          project_uuid: like('ProjAlpha0000001'),
          owner: like(ALICE.uuid),
          assign: like(BOB.uuid),
          status_uuid: like('to_do'),
          create_time: integer(1),
        }),
      )
      .executeTest(async (server) => {
        expect((await as(server.url).task(ALPHA, 'AliceU01Task0001')).data?.uuid).toBe('AliceU01Task0001');
      }));

  it('reads a wiki page with its title', () =>
    pact
      .addInteraction()
      .given('page titled', { title: 'Release notes' })
      .uponReceiving('GET a wiki page')
      .withRequest('GET', `/wiki/api/wiki/team/${ALPHA}/page/${PAGE}`, (b) => b.headers(auth(ALICE)))
      .willRespondWith(200, (b) =>
        b.jsonBody({
          uuid: PAGE,
          space_uuid: like('SpaceAl1'),
          title: 'Release notes',
          owner_uuid: like(ALICE.uuid),
          updated_time: integer(1),
        }),
      )
      .executeTest(async (server) => {
        expect((await as(server.url).page(ALPHA, PAGE)).data?.title).toBe('Release notes');
      }));

  it('renames a wiki page (update_title answers {})', () =>
    pact
      .addInteraction()
      .given(DEFAULT)
      .uponReceiving('POST update_title')
      .withRequest('POST', `/wiki/api/wiki/team/${ALPHA}/online_page/${PAGE}/update_title`, (b) =>
        b.headers(auth(ALICE)).jsonBody({ title: 'Roadmap' }),
      )
      .willRespondWith(200, (b) => b.jsonBody({}))
      .executeTest(async (server) => {
        expect((await as(server.url).updatePageTitle(ALPHA, PAGE, 'Roadmap')).data).toEqual({});
      }));

  it('registers a plugin with the plugin SDK', () => {
    const yaml = 'apis:\n  - type: suffix\n    methods: [GET]\n    url: /users/me\n    function: suffixFunc\n';
    return pact
      .addInteraction()
      .given(DEFAULT)
      .uponReceiving('a plugin registration')
      .withRequest('POST', '/__admin/plugins', (b) => b.jsonBody({ yaml, baseUrl: 'http://127.0.0.1:9', name: 'recorder' }))
      .willRespondWith(201, (b) =>
        b.jsonBody({
          name: 'recorder',
          baseUrl: 'http://127.0.0.1:9',
          teams: '*',
          timeoutMs: integer(5000),
          apis: [{ type: 'suffix', methods: ['GET'], url: '/users/me', scope: 'project', function: 'suffixFunc', level: 'organization' }],
          ignored: [],
          replaced: false,
        }),
      )
      .executeTest(async (server) => {
        const summary = await registerPlugin({ twinUrl: server.url, yaml, baseUrl: 'http://127.0.0.1:9', name: 'recorder' });
        expect(summary.apis[0]?.level).toBe('organization');
      });
  });
});

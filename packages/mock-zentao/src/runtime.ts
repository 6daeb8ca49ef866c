import type { Twin } from '@doppel/mock-kit';
import type { ZentaoApp, ZentaoChat, ZentaoFixtures, ZentaoUser } from './fixtures.ts';
import type { components } from './generated/openapi.ts';
import { parseWhitelist, type WhitelistEntry } from './ip.ts';

/** One message as the inbox keeps it (`Delivery` in contracts/openapi/zentao.yaml). */
export type Delivery = components['schemas']['Delivery'];

/** An integrated application as the entry check reads it: its whitelist parsed once, when seeded. */
export interface LiveApp extends ZentaoApp {
  whitelist: WhitelistEntry[];
}

/** The live, mutable state the handlers read and change; seeded from fixtures on start, reset and state changes. */
export interface ZentaoRuntime {
  apps: Map<string, LiveApp>;
  /** Live (not deleted) users, by id and by account. */
  usersById: Map<number, ZentaoUser>;
  usersByAccount: Map<string, ZentaoUser>;
  chats: Map<string, ZentaoChat>;
  inbox: Delivery[];
}

export function seed(f: ZentaoFixtures, _twin: Twin<ZentaoFixtures, ZentaoRuntime>): ZentaoRuntime {
  const live = f.users.filter((u) => !u.deleted);
  return {
    apps: new Map(f.apps.map((a) => [a.code, { ...a, whitelist: parseWhitelist(a.ip) }])),
    usersById: new Map(live.map((u) => [u.id, u])),
    usersByAccount: new Map(live.map((u) => [u.account, u])),
    chats: new Map(f.chats.map((c) => [c.gid, c])),
    inbox: [],
  };
}

const DIGITS = /^\d+$/;

/** A live user by id (number or numeric string) or by account, as ZenTao's userGetList takes either. */
export function findUser(state: ZentaoRuntime, ref: string | number): ZentaoUser | undefined {
  const key = String(ref);
  return DIGITS.test(key) ? state.usersById.get(Number(key)) : state.usersByAccount.get(key);
}

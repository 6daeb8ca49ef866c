import type { Twin } from '@doppel/mock-kit';
import { DEFAULT_MAX_INBOX, type ZentaoApp, type ZentaoChat, type ZentaoFixtures, type ZentaoUser } from './fixtures.ts';
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
  /** Deliveries, oldest first: at most `maxInbox`, the oldest dropped past it. */
  inbox: Delivery[];
  maxInbox: number;
  /** Every delivery so far (the next id is one more), and how many the inbox dropped. */
  delivered: number;
  evicted: number;
}

export function seed(f: ZentaoFixtures, _twin: Twin<ZentaoFixtures, ZentaoRuntime>): ZentaoRuntime {
  const live = f.users.filter((u) => !u.deleted);
  return {
    apps: new Map(f.apps.map((a) => [a.code, { ...a, whitelist: parseWhitelist(a.ip) }])),
    usersById: new Map(live.map((u) => [u.id, u])),
    usersByAccount: new Map(live.map((u) => [u.account, u])),
    chats: new Map(f.chats.map((c) => [c.gid, c])),
    inbox: [],
    maxInbox: f.maxInbox ?? DEFAULT_MAX_INBOX,
    delivered: 0,
    evicted: 0,
  };
}

/**
 * Keep a delivery, dropping the oldest past `maxInbox`. Trimmed in batches of a tenth, so a full inbox costs a
 * send one array shift per many sends rather than one each.
 */
export function keep(state: ZentaoRuntime, delivery: Delivery): void {
  state.inbox.push(delivery);
  const over = state.inbox.length - state.maxInbox;
  if (over > 0) {
    const drop = Math.min(state.inbox.length, over + Math.floor(state.maxInbox / 10));
    state.inbox.splice(0, drop);
    state.evicted += drop;
  }
}

const DIGITS = /^\d+$/;

/** A live user by id (number or numeric string) or by account, as ZenTao's userGetList takes either. */
export function findUser(state: ZentaoRuntime, ref: string | number): ZentaoUser | undefined {
  const key = String(ref);
  return DIGITS.test(key) ? state.usersById.get(Number(key)) : state.usersByAccount.get(key);
}

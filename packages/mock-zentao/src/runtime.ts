import { BoundedList, BoundedMap, Cell, type Twin } from '@doppel/mock-kit';
import { DEFAULT_MAX_INBOX, type ZentaoApp, type ZentaoChat, type ZentaoFixtures, type ZentaoUser } from './fixtures.ts';
import type { components } from './generated/openapi.ts';
import { parseWhitelist, type WhitelistEntry } from './ip.ts';

/** One message as the inbox keeps it (`Delivery` in contracts/openapi/zentao.yaml). */
export type Delivery = components['schemas']['Delivery'];

/** An integrated application as the entry check reads it: its whitelist parsed once, when seeded. */
export interface LiveApp extends ZentaoApp {
  whitelist: WhitelistEntry[];
}

/**
 * The live, mutable state the handlers read and change; seeded from fixtures on start, reset and state changes.
 * What changes is in kit containers (BoundedList, BoundedMap, Cell), so a shared store keeps it in step across
 * replicas (the kit's README, "A shared QA twin"); apps, users and chats are the fixtures' and change only with them.
 */
export interface ZentaoRuntime {
  apps: Map<string, LiveApp>;
  /** Live (not deleted) users, by id and by account. */
  usersById: Map<number, ZentaoUser>;
  usersByAccount: Map<string, ZentaoUser>;
  chats: Map<string, ZentaoChat>;
  /** Deliveries, oldest first: at most `maxInbox`, the oldest dropped past it (in batches of a tenth). */
  deliveries: BoundedList<Delivery>;
  /** The deliveries as a list, oldest first (read-only: `keep` adds, `deliveries.clear()` empties). */
  readonly inbox: readonly Delivery[];
  maxInbox: number;
  /** Every delivery so far (the next id is one more). */
  delivered: Cell<number>;
  /** How many deliveries the inbox dropped. */
  readonly evicted: number;
  /**
   * The last `time` each app signed with (the time variant refuses one not later): seeded from the fixtures'
   * `calledTime`, by app code. A map of its own, not a field of the app, so replicas share it.
   */
  calledTimes: BoundedMap<string, number>;
}

export function seed(f: ZentaoFixtures, twin: Twin<ZentaoFixtures, ZentaoRuntime>): ZentaoRuntime {
  const live = f.users.filter((u) => !u.deleted);
  const maxInbox = f.maxInbox ?? DEFAULT_MAX_INBOX;
  const deliveries = new BoundedList<Delivery>(maxInbox);
  const calledTimes = new BoundedMap<string, number>(Math.max(1, f.apps.length), () => twin.clock.now());
  for (const a of f.apps) if (a.calledTime !== undefined) calledTimes.set(a.code, a.calledTime);
  return {
    apps: new Map(f.apps.map((a) => [a.code, { ...a, whitelist: parseWhitelist(a.ip) }])),
    usersById: new Map(live.map((u) => [u.id, u])),
    usersByAccount: new Map(live.map((u) => [u.account, u])),
    chats: new Map(f.chats.map((c) => [c.gid, c])),
    deliveries,
    get inbox() {
      return deliveries.items();
    },
    maxInbox,
    delivered: new Cell(0),
    get evicted() {
      return deliveries.evicted;
    },
    calledTimes,
  };
}

/** Keep a delivery, dropping the oldest past `maxInbox` (in batches of a tenth: one array shift per many sends). */
export function keep(state: ZentaoRuntime, delivery: Delivery): void {
  state.deliveries.push(delivery);
}

const DIGITS = /^\d+$/;

/** A live user by id (number or numeric string) or by account, as ZenTao's userGetList takes either. */
export function findUser(state: ZentaoRuntime, ref: string | number): ZentaoUser | undefined {
  const key = String(ref);
  return DIGITS.test(key) ? state.usersById.get(Number(key)) : state.usersByAccount.get(key);
}

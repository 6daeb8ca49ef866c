import type { Twin } from '@doppel/mock-kit';
import type { ZentaoApp, ZentaoChat, ZentaoFixtures, ZentaoUser } from './fixtures.ts';

export interface Delivery {
  id: number;
  kind: 'notification' | 'chatMessage';
  appCode: string;
  time: string;
  users?: number[];
  gid?: string;
  title: string;
  subtitle?: string;
  content?: string;
  contentType: string;
  url?: string;
  actions?: unknown[];
  sender?: unknown;
}

export interface ZentaoState {
  apps: Map<string, ZentaoApp>;
  users: ZentaoUser[];
  usersById: Map<number, ZentaoUser>;
  usersByAccount: Map<string, ZentaoUser>;
  chats: Map<string, ZentaoChat>;
  inbox: Delivery[];
}

export function seed(f: ZentaoFixtures, _twin: Twin<ZentaoFixtures, ZentaoState>): ZentaoState {
  const live = f.users.filter((u) => !u.deleted);
  return {
    apps: new Map(f.apps.map((a) => [a.code, a])),
    users: f.users,
    usersById: new Map(live.map((u) => [u.id, u])),
    usersByAccount: new Map(live.map((u) => [u.account, u])),
    chats: new Map(f.chats.map((c) => [c.gid, c])),
    inbox: [],
  };
}

/** A user by id (number or numeric string) or by account, as ZenTao's userGetList takes either. */
export function findUser(state: ZentaoState, ref: string | number): ZentaoUser | undefined {
  if (typeof ref === 'number' || /^\d+$/.test(ref)) return state.usersById.get(Number(ref));
  return state.usersByAccount.get(ref);
}

/** An integrated application (ZenTao's `entry`). */
export interface ZentaoApp {
  code: string;
  /** The app's key: lower-case hex as ZenTao generates it; empty means "no key set". */
  key: string;
  /** IP whitelist: `*`, exact IPs, `a-b` ranges, CIDR, `192.168.1.*`; comma-separated. */
  ip: string;
  name?: string;
  /** ZenTao's 免密 switch; when false the app must be bound to an existing account. Default true. */
  freePasswd?: boolean;
  /** The bound account (only checked when freePasswd is false). */
  account?: string;
  /** The last `time` accepted by the time-token variant. */
  calledTime?: number;
}

export interface ZentaoUser {
  id: number;
  account: string;
  realname: string;
  deleted?: boolean;
}

export interface ZentaoChat {
  gid: string;
  name: string;
  /** Only `group` chats are listed by getGroupChats. */
  type: 'group' | 'one2one' | 'system';
  dismissed?: boolean;
  /** Member user ids (still in the chat). */
  members: number[];
}

export interface ZentaoFixtures {
  apps: ZentaoApp[];
  users: ZentaoUser[];
  chats: ZentaoChat[];
  /** The most deliveries the inbox keeps (default 10,000); past it the oldest go. */
  maxInbox?: number;
}

/** The inbox's size when the fixtures do not say. */
export const DEFAULT_MAX_INBOX = 10_000;

/** The app code and key from ZenTao's documentation. */
export const defaultApp: ZentaoApp = {
  code: 'myAppCode',
  key: '3cd0914d656e90ab181f1d52ff352cfe',
  ip: '*',
  name: 'Doppel default app',
};

const defaultUsers: ZentaoUser[] = [
  { id: 1, account: 'admin', realname: '管理员' },
  { id: 3, account: 'zhangsan', realname: '张三' },
  { id: 4, account: 'lisi', realname: '李四' },
];

/** The three group chats of ZenTao's documentation, with their GIDs and names. */
export const defaultChats: ZentaoChat[] = [
  { gid: '30683aea-7a1f-4ec8-a6d6-834e0310fd7d', name: '第四期项目讨论', type: 'group', members: [1, 3, 4] },
  { gid: '81c6ba89-00ab-4431-8e47-063556ae4886', name: '研发部', type: 'group', members: [1, 3] },
  { gid: '64da14c3-c07a-45af-9c61-4e638de4af26', name: '公司总群', type: 'group', members: [1, 3, 4] },
];

export function defaultFixtures(): ZentaoFixtures {
  return structuredClone({ apps: [defaultApp], users: defaultUsers, chats: defaultChats });
}

export const fixturesSchema = {
  type: 'object',
  required: ['apps', 'users', 'chats'],
  additionalProperties: false,
  properties: {
    maxInbox: { type: 'integer', minimum: 1, maximum: 10_000_000 },
    apps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['code', 'key', 'ip'],
        additionalProperties: false,
        properties: {
          code: { type: 'string', minLength: 1 },
          // Lower-case hex, as ZenTao generates it.
          key: { type: 'string', pattern: '^[0-9a-f]*$' },
          ip: { type: 'string' },
          name: { type: 'string' },
          freePasswd: { type: 'boolean' },
          account: { type: 'string' },
          calledTime: { type: 'integer', minimum: 0 },
        },
      },
    },
    users: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'account', 'realname'],
        additionalProperties: false,
        properties: {
          id: { type: 'integer', minimum: 1 },
          account: { type: 'string', minLength: 1 },
          realname: { type: 'string' },
          deleted: { type: 'boolean' },
        },
      },
    },
    chats: {
      type: 'array',
      items: {
        type: 'object',
        required: ['gid', 'name', 'type', 'members'],
        additionalProperties: false,
        properties: {
          gid: { type: 'string', minLength: 1 },
          name: { type: 'string' },
          type: { enum: ['group', 'one2one', 'system'] },
          dismissed: { type: 'boolean' },
          members: { type: 'array', items: { type: 'integer' } },
        },
      },
    },
  },
} as const;

import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import type { Service, ServiceData, ServiceStorage } from './service.ts';

type Driver = typeof Database;
let driver: Driver | undefined;

/**
 * better-sqlite3 is an optional peer dependency of this entry point (`@doppel/clients/services`) alone: it is
 * loaded when the first store opens, so the typed clients never need a native module.
 */
function sqlite(): Driver {
  if (driver) return driver;
  try {
    driver = createRequire(import.meta.url)('better-sqlite3') as Driver;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error('the services token store (@doppel/clients/services) needs better-sqlite3: npm install better-sqlite3', {
      cause: err,
    });
  }
  return driver;
}

export type { Service, ServiceData, ServiceStorage } from './service.ts';

/** The doc's table, verbatim, plus the unique key that makes an upsert a single row. */
export const SERVICES_DDL = `
CREATE TABLE IF NOT EXISTS \`services\` (
    \`id\` INTEGER PRIMARY KEY AUTOINCREMENT,
    \`name\` VARCHAR(255),
    \`botId\` VARCHAR(255),
    \`groupId\` VARCHAR(255),
    \`userId\` VARCHAR(255),
    \`data\` JSON,
    \`createdAt\` DATETIME NOT NULL,
    \`updatedAt\` DATETIME NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS \`services_name_bot_group\` ON \`services\` (\`name\`, \`botId\`, \`groupId\`);
`;

/** One statement: insert, or on the (name, botId, groupId) key replace data (and userId when given). */
export const UPSERT_SQL = `INSERT INTO services (name, botId, groupId, userId, data, createdAt, updatedAt)
VALUES (?, ?, ?, ?, json(?), ?, ?)
ON CONFLICT (name, botId, groupId) DO UPDATE SET
  userId = COALESCE(excluded.userId, services.userId),
  data = excluded.data,
  updatedAt = excluded.updatedAt
RETURNING *`;

interface Row {
  id: number;
  name: string;
  botId: string;
  groupId: string;
  userId: string | null;
  data: string | null;
  createdAt: string;
  updatedAt: string;
}

const fromRow = (r: Row): Service => ({ ...r, data: r.data ? (JSON.parse(r.data) as ServiceData) : {} });

function key(name: string, botId: string, groupId: string): void {
  for (const [k, v] of Object.entries({ name, botId, groupId })) {
    // SQLite lets NULLs repeat under a UNIQUE key, so the key's parts must be real strings.
    if (typeof v !== 'string' || v === '') throw new TypeError(`service ${k} must be a non-empty string`);
  }
}

/** The third-party-service token store on SQLite (a file survives restarts; `:memory:` for throwaway use). */
export class ServiceStore implements ServiceStorage {
  readonly db: Database.Database;
  private readonly now: () => Date;

  constructor(file: string, options: { now?: () => Date } = {}) {
    this.db = new (sqlite())(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SERVICES_DDL);
    this.now = options.now ?? (() => new Date());
  }

  /** The doc's `findService`: the service `name` of one bot in one group, or null. */
  find(name: string, botId: string, groupId: string): Service | null {
    key(name, botId, groupId);
    const row = this.db
      .prepare<[string, string, string], Row>('SELECT * FROM services WHERE name = ? AND botId = ? AND groupId = ?')
      .get(name, botId, groupId);
    return row ? fromRow(row) : null;
  }

  /**
   * Create the row or replace its `data` (and `userId` when given) in one statement: the unique key
   * and ON CONFLICT make two racing upserts end in one row, whichever connection they come from.
   */
  upsert(s: { name: string; botId: string; groupId: string; userId?: string | null; data: ServiceData }): Service {
    key(s.name, s.botId, s.groupId);
    const at = this.now().toISOString();
    const row = this.db
      .prepare<[string, string, string, string | null, string, string, string], Row>(UPSERT_SQL)
      .get(s.name, s.botId, s.groupId, s.userId ?? null, JSON.stringify(s.data), at, at);
    return fromRow(row!);
  }

  /** Drop the token fields of a service's data, keeping the row (who added it, when). */
  clearToken(id: number): Service | null {
    const row = this.db.prepare<[number], Row>('SELECT * FROM services WHERE id = ?').get(id);
    if (!row) return null;
    const { accessToken: _a, refreshToken: _r, expiresAt: _e, scope: _s, ...rest } = fromRow(row).data;
    const updated = this.db
      .prepare<[string, string, number], Row>('UPDATE services SET data = json(?), updatedAt = ? WHERE id = ? RETURNING *')
      .get(JSON.stringify(rest), this.now().toISOString(), id);
    return updated ? fromRow(updated) : null;
  }

  /** What the chatbot framework does when a bot leaves a group. */
  remove(botId: string, groupId: string): number {
    return this.db.prepare('DELETE FROM services WHERE botId = ? AND groupId = ?').run(botId, groupId).changes;
  }

  all(): Service[] {
    return this.db.prepare<[], Row>('SELECT * FROM services ORDER BY id').all().map(fromRow);
  }

  close(): void {
    this.db.close();
  }
}

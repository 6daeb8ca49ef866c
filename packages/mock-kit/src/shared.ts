import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The seam between a twin's state and where it is kept (the kit's README, "A shared QA twin").
 *
 * In memory (the default) nothing here is used: every container (BoundedMap, Cell, the journal, the rule book)
 * reads and writes its own fields, and the only cost is one `space === undefined` check per call.
 *
 * With a shared store each replica keeps a full local copy of the twin's state in the same containers, bound to a
 * `Space` under a name. A request runs as a transaction (`Tx`): containers read the local copy, record which keys
 * they read, and keep their writes in the transaction's overlay as operations; the store then commits the
 * operations in one step that checks nobody changed what was read (optimistic concurrency), and every replica
 * applies the same operations in the same order.
 */

/** One change to one container: `[container name, action, ...arguments]`, JSON all through. */
export type Op = [target: string, action: string, ...args: unknown[]];

/** A request's transaction: what it read, what it wrote, and its pending operations. */
export class Tx {
  /** Keys read (to check at commit). */
  readonly reads = new Set<string>();
  /** Keys written (their versions move at commit). */
  readonly writes = new Set<string>();
  readonly ops: Op[] = [];
  /** Each container's pending view (its own overlay type). */
  readonly overlays = new Map<object, unknown>();
  /** A runtime seeded inside this transaction (fixtures replaced, reset, state applied): seen only by it. */
  runtime: unknown;
  /** Over once committed or dropped: work scheduled by the request afterwards runs outside it. */
  done = false;

  constructor(
    /** The version of the shared state this transaction started from. */
    readonly base: number,
  ) {}

  read(key: string): void {
    this.reads.add(key);
  }

  write(key: string): void {
    this.writes.add(key);
  }
}

/** A container of shared state: named in a space, it can apply committed operations and dump or restore itself. */
export interface Shared {
  bindShared(space: Space, name: string): void;
  /** Apply a committed operation to the local copy (outside any transaction). */
  applyShared(action: string, args: unknown[]): void;
  /** The container's content as JSON, for a snapshot. */
  dumpShared(): unknown;
  restoreShared(dump: unknown): void;
}

export function isShared(value: unknown): value is Shared {
  return typeof value === 'object' && value !== null && typeof (value as Shared).bindShared === 'function';
}

/** The replica's named containers and the transaction of the request being served, if any. */
export class Space {
  private readonly als = new AsyncLocalStorage<Tx>();
  readonly containers = new Map<string, Shared>();

  /** The transaction of the running request; undefined outside one. */
  current(): Tx | undefined {
    const tx = this.als.getStore();
    return tx === undefined || tx.done ? undefined : tx;
  }

  run<T>(tx: Tx, fn: () => T): T {
    return this.als.run(tx, fn);
  }

  /** Run `fn` outside any transaction: seeding, applying committed operations. */
  untracked<T>(fn: () => T): T {
    return this.als.exit(fn);
  }

  register(name: string, container: Shared): void {
    container.bindShared(this, name);
    this.containers.set(name, container);
  }

  /** Apply committed operations, in order, to the local copy. */
  apply(ops: Op[]): void {
    this.untracked(() => {
      for (const [target, action, ...args] of ops) this.containers.get(target)?.applyShared(action, args);
    });
  }

  dump(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, c] of this.containers) out[name] = c.dumpShared();
    return out;
  }

  /** Restore from a dump: the names starting with `@` first (the twin's own: fixtures re-seed the runtime). */
  restore(dump: Record<string, unknown>): void {
    this.untracked(() => {
      const names = Object.keys(dump).sort((a, b) => Number(b.startsWith('@fixtures')) - Number(a.startsWith('@fixtures')));
      for (const name of names) this.containers.get(name)?.restoreShared(dump[name]);
    });
  }
}

/**
 * One value shared by every replica (a counter, a flag, the clock's offset, the rule list). Treat what `get()`
 * returns as read-only: change it with `set()` (a new value), so a transaction that is dropped leaves no trace.
 */
export class Cell<T> implements Shared {
  private space: Space | undefined;
  private name = '';

  constructor(
    private value: T,
    /** Called after a committed change or a restore reached the local copy. */
    private readonly onApply?: () => void,
  ) {}

  get(): T {
    const tx = this.space?.current();
    if (tx) {
      tx.read(this.name);
      if (tx.overlays.has(this)) return tx.overlays.get(this) as T;
    }
    return this.value;
  }

  set(value: T): void {
    const tx = this.space?.current();
    if (tx) {
      tx.write(this.name);
      tx.overlays.set(this, value);
      tx.ops.push([this.name, 'set', value]);
      return;
    }
    this.value = value;
  }

  bindShared(space: Space, name: string): void {
    this.space = space;
    this.name = name;
  }

  applyShared(_action: string, args: unknown[]): void {
    this.value = args[0] as T;
    this.onApply?.();
  }

  dumpShared(): unknown {
    return this.value;
  }

  restoreShared(dump: unknown): void {
    this.value = dump as T;
    this.onApply?.();
  }
}

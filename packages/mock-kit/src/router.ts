import type { Result, Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';

/** Whether a route or request path is the admin API's (`/__admin` and below). */
export const isAdminPath = (path: string): boolean => path.startsWith('/__admin') && (path.length === 8 || path.charAt(8) === '/');

/**
 * A twin's router: the admin API and the platform's routes in two routers. Hono's fastest router (RegExpRouter,
 * one regular expression per method) cannot hold the admin API's mix of `/journal/stream` and `/journal/:id`, and
 * Hono's SmartRouter falls back to its TrieRouter for the whole app when any route does not fit — so every
 * platform request paid for the admin API's shape. Split, the platform's routes get RegExpRouter whenever they
 * fit it (SmartRouter still falls back per half), and an admin request never walks the platform's routes.
 * See https://hono.dev/docs/concepts/routers.
 */
export class TwinRouter<T> implements Router<T> {
  readonly name = 'TwinRouter';
  readonly admin: Router<T> = new TrieRouter<T>();
  readonly platform: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter<T>(), new TrieRouter<T>()] });

  add(method: string, path: string, handler: T): void {
    (isAdminPath(path) ? this.admin : this.platform).add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    return (isAdminPath(path) ? this.admin : this.platform).match(method, path);
  }
}

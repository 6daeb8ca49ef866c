/** One row of the `services` table (the vendor doc's schema), with `data` parsed. */
export interface Service<D = ServiceData> {
  id: number;
  name: string;
  botId: string;
  groupId: string;
  userId: string | null;
  data: D;
  createdAt: string;
  updatedAt: string;
}

/** What the flow keeps in `data`: the token, and for expiring tokens the refresh token and expiries. */
export interface ServiceData {
  accessToken?: string;
  scope?: string;
  refreshToken?: string;
  /** ISO time the access token expires (expiring user tokens only). */
  expiresAt?: string;
  [key: string]: unknown;
}

/**
 * What the chatbot flow needs of a token store: `ServiceStore` (`@doppel/clients/services`, on SQLite) or any
 * other implementation. Declared apart from the store so the typed clients never reference its SQLite driver.
 */
export interface ServiceStorage {
  find(name: string, botId: string, groupId: string): Service | null;
  upsert(s: { name: string; botId: string; groupId: string; userId?: string | null; data: ServiceData }): Service;
  clearToken(id: number): Service | null;
}

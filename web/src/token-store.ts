import type { StateStore } from "oidc-client-ts";

/** The part of the Web Storage API the store uses (sessionStorage in the app, a stand-in in tests). */
export type SessionStorageLike = Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">;

/**
 * Where oidc-client-ts keeps the signed-in user, so that no token sits in localStorage (readable by
 * any script on the origin, on disk, for as long as the browser keeps it): the access token lives
 * only in this page's memory; the rest (refresh token, id token, profile) goes to this tab's session
 * storage, gone when the tab closes. A reload finds the user without an access token, and Auth gets
 * a fresh one with the refresh token (or the issuer's session in a hidden frame).
 */
export class TokenStore implements StateStore {
  private readonly memory = new Map<string, string>();

  constructor(
    private readonly session: SessionStorageLike,
    private readonly prefix = "petitchat.",
  ) {}

  set(key: string, value: string): Promise<void> {
    this.memory.set(key, value);
    this.session.setItem(this.prefix + key, withoutAccessToken(value));
    return Promise.resolve();
  }

  get(key: string): Promise<string | null> {
    return Promise.resolve(this.memory.get(key) ?? this.session.getItem(this.prefix + key));
  }

  remove(key: string): Promise<string | null> {
    const value = this.memory.get(key) ?? this.session.getItem(this.prefix + key);
    this.memory.delete(key);
    this.session.removeItem(this.prefix + key);
    return Promise.resolve(value);
  }

  getAllKeys(): Promise<string[]> {
    const keys = new Set(this.memory.keys());
    for (let i = 0; i < this.session.length; i++) {
      const key = this.session.key(i);
      if (key?.startsWith(this.prefix)) keys.add(key.slice(this.prefix.length));
    }
    return Promise.resolve([...keys]);
  }
}

/** A stored user (oidc-client-ts' JSON) without its access token; Auth renews a user that has none. */
export function withoutAccessToken(value: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return value;
  }
  if (typeof parsed !== "object" || parsed === null || !("access_token" in parsed)) return value;
  const { access_token: _dropped, ...rest } = parsed as Record<string, unknown>;
  return JSON.stringify(rest);
}

/** Tokens an earlier version of the app left in localStorage: removed at start. */
export function forgetLegacyTokens(storage: SessionStorageLike): void {
  const stale: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith("oidc.")) stale.push(key);
  }
  for (const key of stale) storage.removeItem(key);
}

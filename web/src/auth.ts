import { UserManager, WebStorageStateStore, type User } from "oidc-client-ts";
import { TokenStore, forgetLegacyTokens } from "./token-store";

/** What the server tells the app about its issuer (`GET /config.json`). */
export interface ClientConfig {
  authority: string;
  clientId: string;
  scope: string;
  /** The issuer is the server itself (development). */
  embedded: boolean;
}

export async function loadConfig(): Promise<ClientConfig> {
  const response = await fetch("/config.json", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`The server's /config.json answered ${response.status}.`);
  return (await response.json()) as ClientConfig;
}

/**
 * Sign-in with the authorization code flow and PKCE (oidc-client-ts does both), renewed before the
 * tokens expire (with the refresh token when the issuer gives one, else in a hidden frame). No token
 * goes to localStorage: the access token stays in memory, the refresh token in this tab's session
 * storage (see TokenStore and docs/security.md); a new tab signs in through the issuer's session.
 */
export class Auth {
  readonly manager: UserManager;
  private user: User | null = null;

  constructor(config: ClientConfig, origin = window.location.origin) {
    this.manager = new UserManager({
      authority: config.authority,
      client_id: config.clientId,
      scope: config.scope,
      response_type: "code",
      redirect_uri: `${origin}/callback`,
      silent_redirect_uri: `${origin}/silent-renew.html`,
      post_logout_redirect_uri: `${origin}/`,
      automaticSilentRenew: true,
      userStore: new TokenStore(window.sessionStorage),
      // The sign-in state (PKCE verifier) lives only for the redirect, in this tab.
      stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    });
    forgetLegacyTokens(window.localStorage);
    this.manager.events.addUserLoaded((user) => {
      this.user = user;
    });
    this.manager.events.addUserUnloaded(() => {
      this.user = null;
    });
  }

  /** The signed-in user after a redirect back from the issuer, or from storage. */
  async restore(): Promise<User | null> {
    if (window.location.pathname === "/callback") {
      const user = await this.manager.signinRedirectCallback();
      const back = typeof user.state === "string" && user.state.startsWith("/") ? user.state : "/";
      window.history.replaceState(null, "", back);
      this.user = user;
      return user;
    }
    const stored = await this.manager.getUser();
    // After a reload the access token is gone (it is kept in memory only): renewed below.
    if (stored && !stored.expired && stored.access_token) {
      this.user = stored;
      return stored;
    }
    if (stored) {
      // Expired while the app was closed, or reloaded: try once without leaving the page.
      try {
        this.user = await this.manager.signinSilent();
        return this.user;
      } catch {
        await this.manager.removeUser();
      }
    }
    return null;
  }

  signIn(): Promise<void> {
    const back = window.location.pathname + window.location.search + window.location.hash;
    return this.manager.signinRedirect({ state: back });
  }

  async signOut(): Promise<void> {
    try {
      await this.manager.signoutRedirect();
    } catch {
      // The issuer has no end-session endpoint: forget the tokens here.
      await this.manager.removeUser();
      window.location.assign("/");
    }
  }

  /** The current access token, renewed first when it has run out. */
  async token(): Promise<string | null> {
    if (this.user && !this.user.expired && this.user.access_token) return this.user.access_token;
    if (!this.user) return null;
    try {
      this.user = await this.manager.signinSilent();
      return this.user?.access_token ?? null;
    } catch {
      return null;
    }
  }

  /** After a 401: the token may have been revoked or the issuer's keys changed. */
  async renew(): Promise<boolean> {
    try {
      this.user = await this.manager.signinSilent();
      return !!this.user;
    } catch {
      return false;
    }
  }

  get profile(): User | null {
    return this.user;
  }
}

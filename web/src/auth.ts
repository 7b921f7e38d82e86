import { UserManager, WebStorageStateStore, type User } from "oidc-client-ts";

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
 * Sign-in with the authorization code flow and PKCE (oidc-client-ts does both), tokens kept in
 * this browser's local storage so that a new tab is signed in too, renewed before they expire
 * (with the refresh token when the issuer gives one, else in a hidden frame).
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
      userStore: new WebStorageStateStore({ store: window.localStorage }),
    });
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
    if (stored && !stored.expired) {
      this.user = stored;
      return stored;
    }
    if (stored) {
      // Expired while the app was closed: try once without leaving the page.
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
    if (this.user && !this.user.expired) return this.user.access_token;
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

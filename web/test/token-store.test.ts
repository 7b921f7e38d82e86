import { describe, expect, it } from "vitest";
import { forgetLegacyTokens, TokenStore, withoutAccessToken, type SessionStorageLike } from "../src/token-store";

/** An in-memory Web Storage, as a tab's sessionStorage would behave. */
function storage(): SessionStorageLike & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
    key: (index) => [...items.keys()][index] ?? null,
    get length() {
      return items.size;
    },
  };
}

const user = JSON.stringify({
  access_token: "secret-access",
  refresh_token: "refresh-1",
  id_token: "id-1",
  expires_at: 4_102_444_800,
  profile: { sub: "alice" },
});

describe("TokenStore", () => {
  it("keeps the access token in memory only", async () => {
    const session = storage();
    const store = new TokenStore(session);

    await store.set("user:petitchat", user);

    expect(await store.get("user:petitchat")).toBe(user);
    const written = [...session.items.values()].join("\n");
    expect(written).not.toContain("secret-access");
    expect(written).toContain("refresh-1");
  });

  it("after a reload gives back the user without its access token, to be renewed", async () => {
    const session = storage();
    await new TokenStore(session).set("user:petitchat", user);

    const reloaded = JSON.parse((await new TokenStore(session).get("user:petitchat"))!) as Record<string, unknown>;

    expect(reloaded.access_token).toBeUndefined();
    expect(reloaded.expires_at).toBe(4_102_444_800);
    expect(reloaded.refresh_token).toBe("refresh-1");
    expect(await new TokenStore(session).getAllKeys()).toEqual(["user:petitchat"]);
  });

  it("forgets everything on sign out", async () => {
    const session = storage();
    const store = new TokenStore(session);
    await store.set("user:petitchat", user);

    expect(await store.remove("user:petitchat")).toBe(user);

    expect(await store.get("user:petitchat")).toBeNull();
    expect(session.items.size).toBe(0);
  });

  it("leaves values that are not a user as they are", () => {
    expect(withoutAccessToken("not json")).toBe("not json");
    expect(withoutAccessToken('{"state":"x"}')).toBe('{"state":"x"}');
  });

  it("removes tokens an earlier version left in localStorage", () => {
    const local = storage();
    local.setItem("oidc.user:http://issuer:petitchat-web", user);
    local.setItem("petitchat.theme", "dark");

    forgetLegacyTokens(local);

    expect([...local.items.keys()]).toEqual(["petitchat.theme"]);
  });
});

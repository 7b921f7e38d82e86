import { describe, expect, it } from "vitest";
import { Api, ApiError } from "../src/api";
import { base64UrlBytes, PushError, PushSwitch, type PushEnvironment, type PushManagerLike, type PushSubscriptionLike } from "../src/push";

// Headless Chromium here cannot reach a push service: the browser side is a hand-written fake
// PushManager; the API side is the real Api over a recording fetch.

const vapidKey = "BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U";
const keys = { p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM", auth: "tBHItJI5svbpez7KI4CCXg" };

class FakePushSubscription implements PushSubscriptionLike {
  constructor(readonly endpoint: string, private readonly manager: FakePushManager) {}
  toJSON(): PushSubscriptionJSON {
    return { endpoint: this.endpoint, expirationTime: null, keys };
  }
  async unsubscribe(): Promise<boolean> {
    this.manager.current = null;
    return true;
  }
}

class FakePushManager implements PushManagerLike {
  current: FakePushSubscription | null = null;
  subscribedWith: Uint8Array[] = [];
  failSubscribe: Error | null = null;
  async getSubscription() {
    return this.current;
  }
  async subscribe(options: { userVisibleOnly: boolean; applicationServerKey: Uint8Array }) {
    if (this.failSubscribe) throw this.failSubscribe;
    expect(options.userVisibleOnly).toBe(true);
    this.subscribedWith.push(options.applicationServerKey);
    this.current = new FakePushSubscription(`https://push.example/send/${this.subscribedWith.length}`, this);
    return this.current;
  }
}

function fakeEnvironment(manager: FakePushManager | null, answer: NotificationPermission = "granted") {
  let permission: NotificationPermission = "default";
  let asked = 0;
  const env: PushEnvironment = {
    pushManager: async () => manager,
    permission: () => permission,
    requestPermission: async () => {
      asked++;
      permission = answer;
      return permission;
    },
  };
  return { env, asked: () => asked };
}

type Call = { url: string; method: string; body: unknown };

function recordingApi(answers: Record<string, (call: Call) => Response>) {
  const calls: Call[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    const call = { url, method: init.method ?? "GET", body: init.body ? JSON.parse(init.body as string) : undefined };
    calls.push(call);
    const answer = answers[`${call.method} ${url.split("?")[0]}`];
    return answer ? answer(call) : new Response(null, { status: 500 });
  }) as unknown as typeof fetch;
  return { calls, api: new Api(async () => "t", "", impl) };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const server = {
  "GET /api/v1/push/vapid-public-key": () => json(200, { publicKey: vapidKey }),
  "POST /api/v1/me/push-subscriptions": (c: Call) => json(201, { endpoint: (c.body as { endpoint: string }).endpoint, createdAt: "2026-01-01T00:00:00Z" }),
  "DELETE /api/v1/me/push-subscriptions": () => new Response(null, { status: 204 }),
};

describe("push switch", () => {
  it("turning on asks permission, subscribes with the VAPID key and posts the subscription", async () => {
    const manager = new FakePushManager();
    const { env, asked } = fakeEnvironment(manager);
    const { api, calls } = recordingApi(server);
    const push = new PushSwitch(api, env);
    expect(await push.status()).toBe("off");

    await push.enable();

    expect(asked()).toBe(1);
    expect(Array.from(manager.subscribedWith[0])).toEqual(Array.from(base64UrlBytes(vapidKey)));
    expect(manager.subscribedWith[0]).toHaveLength(65);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(["GET /api/v1/push/vapid-public-key", "POST /api/v1/me/push-subscriptions"]);
    expect(calls[1].body).toEqual({ endpoint: "https://push.example/send/1", keys });
    expect(await push.status()).toBe("on");
  });

  it("turning off deletes the subscription by endpoint and unsubscribes the browser", async () => {
    const manager = new FakePushManager();
    const { env } = fakeEnvironment(manager);
    const { api, calls } = recordingApi(server);
    const push = new PushSwitch(api, env);
    await push.enable();

    await push.disable();

    expect(calls.at(-1)).toMatchObject({ method: "DELETE", url: "/api/v1/me/push-subscriptions?endpoint=https%3A%2F%2Fpush.example%2Fsend%2F1" });
    expect(manager.current).toBeNull();
    expect(await push.status()).toBe("off");
  });

  it("turning off still unsubscribes when the server had already forgotten the subscription (404)", async () => {
    const manager = new FakePushManager();
    const { env } = fakeEnvironment(manager);
    const { api } = recordingApi({ ...server, "DELETE /api/v1/me/push-subscriptions": () => new Response(null, { status: 404 }) });
    const push = new PushSwitch(api, env);
    await push.enable();
    await push.disable();
    expect(manager.current).toBeNull();
  });

  it("does nothing when permission is refused, and says why", async () => {
    const manager = new FakePushManager();
    const { env } = fakeEnvironment(manager, "denied");
    const { api, calls } = recordingApi(server);
    const push = new PushSwitch(api, env);
    const error = await push.enable().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as Error).message).toMatch(/blocked/);
    expect(calls).toHaveLength(0);
    expect(manager.current).toBeNull();
    expect(await push.status()).toBe("blocked");
  });

  it("a failed browser subscribe is a PushError with a message, and nothing is posted", async () => {
    const manager = new FakePushManager();
    manager.failSubscribe = new DOMException("Registration failed - push service error", "AbortError");
    const { env } = fakeEnvironment(manager);
    const { api, calls } = recordingApi(server);
    const error = await new PushSwitch(api, env).enable().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as Error).message).toMatch(/could not subscribe.*push service error/);
    expect(calls.map((c) => c.method)).toEqual(["GET"]);
  });

  it("gives up on a browser whose push service never answers", async () => {
    const manager = new FakePushManager();
    manager.subscribe = () => new Promise(() => undefined);
    const { env } = fakeEnvironment(manager);
    const { api, calls } = recordingApi(server);
    const error = await new PushSwitch(api, env, 20).enable().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PushError);
    expect((error as Error).message).toMatch(/push service did not answer/);
    expect(calls.filter((c) => c.method === "POST")).toHaveLength(0);
  });

  it("a subscription the server refuses is taken back in the browser", async () => {
    const manager = new FakePushManager();
    const { env } = fakeEnvironment(manager);
    const { api } = recordingApi({
      ...server,
      "POST /api/v1/me/push-subscriptions": () => json(400, { title: "Bad", errors: { endpoint: ["endpoint must be https."] } }),
    });
    const error = await new PushSwitch(api, env).enable().catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(400);
    expect((error as Error).message).toBe("endpoint must be https.");
    expect(manager.current).toBeNull();
  });

  it("reuses the browser's existing subscription instead of making another", async () => {
    const manager = new FakePushManager();
    const { env } = fakeEnvironment(manager);
    const { api, calls } = recordingApi(server);
    const push = new PushSwitch(api, env);
    await push.enable();
    await push.enable();
    expect(manager.subscribedWith).toHaveLength(1);
    expect(calls.filter((c) => c.method === "POST").map((c) => (c.body as { endpoint: string }).endpoint)).toEqual([
      "https://push.example/send/1", "https://push.example/send/1",
    ]);
  });

  it("takes a fresh endpoint when another account on this browser holds the existing one (409)", async () => {
    const manager = new FakePushManager();
    const { env } = fakeEnvironment(manager);
    const held = new Set<string>();
    const { api, calls } = recordingApi({
      ...server,
      "POST /api/v1/me/push-subscriptions": (c: Call) => {
        const endpoint = (c.body as { endpoint: string }).endpoint;
        return held.has(endpoint) ? json(409, { title: "Taken" }) : json(201, { endpoint, createdAt: "2026-01-01T00:00:00Z" });
      },
    });
    const push = new PushSwitch(api, env);
    await push.enable();
    held.add("https://push.example/send/1");

    await push.enable();

    expect(manager.subscribedWith).toHaveLength(2);
    expect(manager.current?.endpoint).toBe("https://push.example/send/2");
    expect(calls.filter((c) => c.method === "POST").map((c) => (c.body as { endpoint: string }).endpoint)).toEqual([
      "https://push.example/send/1", "https://push.example/send/1", "https://push.example/send/2",
    ]);
  });

  it("is unsupported without a push manager, and says so when turned on", async () => {
    const { env } = fakeEnvironment(null);
    const { api } = recordingApi(server);
    const push = new PushSwitch(api, env);
    expect(await push.status()).toBe("unsupported");
    await expect(push.enable()).rejects.toBeInstanceOf(PushError);
    await push.disable();
  });
});

describe("base64url key", () => {
  it("decodes without padding and with url characters", () => {
    expect(Array.from(base64UrlBytes("-_8"))).toEqual([0xfb, 0xff]);
    expect(Array.from(base64UrlBytes("AQID"))).toEqual([1, 2, 3]);
  });
});

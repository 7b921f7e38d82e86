import { describe, expect, it } from "vitest";
import { Api, ApiError, SendAttempts } from "../src/api";

type Call = { url: string; init: RequestInit };

function fakeFetch(answers: Response[]) {
  const calls: Call[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answers.shift()!;
  }) as unknown as typeof fetch;
  return { calls, impl };
}

const json = (status: number, body: unknown, type = "application/json") =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });

describe("api", () => {
  it("sends the bearer token, JSON bodies and encoded paths", async () => {
    const { calls, impl } = fakeFetch([new Response(null, { status: 204 }), json(200, { items: [], nextCursor: null })]);
    const api = new Api(async () => "tok", "http://x", impl);
    await api.react("c", "s", "👍", true);
    await api.findUsers("al ice", 5);
    expect(calls[0].url).toBe("http://x/api/v1/chats/c/signals/s/reactions/%F0%9F%91%8D");
    expect(calls[0].init.method).toBe("PUT");
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe("Bearer tok");
    expect(calls[1].url).toBe("http://x/api/v1/users?username=al+ice&limit=5");
  });

  it("deletes an uploaded file by its id (a file removed from the composer)", async () => {
    const { calls, impl } = fakeFetch([new Response(null, { status: 204 })]);
    await new Api(async () => "t", "", impl).deleteFile("f-1");
    expect(calls[0].url).toBe("/api/v1/files/f-1");
    expect(calls[0].init.method).toBe("DELETE");
  });

  it("leaves out empty query values", async () => {
    const { calls, impl } = fakeFetch([json(200, { items: [], nextCursor: null, newerCursor: null })]);
    await new Api(async () => "t", "", impl).timeline("c", { before: undefined, limit: 50 });
    expect(calls[0].url).toBe("/api/v1/chats/c/signals?limit=50");
  });

  it("turns a problem document into an error naming the field's message", async () => {
    const { impl } = fakeFetch([json(400, { title: "Bad", errors: { text: ["text is at most 4000 characters."] } }, "application/problem+json")]);
    const error = await new Api(async () => "t", "", impl).send("c", { text: "x", clientId: "1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toBe("text is at most 4000 characters.");
  });

  it("after a 401 asks for a new token and tries once more", async () => {
    const { calls, impl } = fakeFetch([new Response(null, { status: 401 }), json(200, { id: "me" })]);
    let token = "old";
    const api = new Api(async () => token, "", impl, async () => {
      token = "new";
      return true;
    });
    expect(await api.me()).toEqual({ id: "me" });
    expect(calls.map((c) => (c.init.headers as Record<string, string>).Authorization)).toEqual(["Bearer old", "Bearer new"]);
  });

  it("gives up after one retry", async () => {
    const { calls, impl } = fakeFetch([new Response(null, { status: 401 }), new Response(null, { status: 401 })]);
    const error = await new Api(async () => "t", "", impl, async () => true).me().catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(401);
    expect(calls).toHaveLength(2);
  });

  it("reads and writes a chat's mute setting", async () => {
    const { calls, impl } = fakeFetch([json(200, { chatId: "c", muted: false }), json(200, { chatId: "c", muted: true })]);
    const api = new Api(async () => "t", "", impl);
    expect((await api.chatSettings("c")).muted).toBe(false);
    expect((await api.saveChatSettings("c", { muted: true })).muted).toBe(true);
    expect(calls.map((c) => `${c.init.method} ${c.url} ${c.init.body ?? ""}`)).toEqual([
      "GET /api/v1/chats/c/settings ",
      'PUT /api/v1/chats/c/settings {"muted":true}',
    ]);
  });

  it("repeats a send answered 503 saved with the same body, after the server's Retry-After (at most 5 s)", async () => {
    const saved = (retryAfter: string | null) =>
      new Response(JSON.stringify({ title: "Push notifications are unavailable.", status: 503, saved: true }), {
        status: 503,
        headers: { "Content-Type": "application/problem+json", ...(retryAfter === null ? {} : { "Retry-After": retryAfter }) },
      });
    const { calls, impl } = fakeFetch([saved("5"), saved("30"), saved(null), json(200, { id: "s1", clientId: "k" })]);
    const waits: number[] = [];
    const api = new Api(async () => "t", "", impl, async () => false, async (ms) => {
      waits.push(ms);
    });
    expect(await api.send("c", { text: "hi", clientId: "k" })).toEqual({ id: "s1", clientId: "k" });
    expect(calls.map((c) => c.init.body)).toEqual(Array(4).fill('{"text":"hi","clientId":"k"}'));
    expect(waits).toEqual([5000, 5000, 1000]);
  });

  it("gives a send answered 503 saved up after its tries, and never repeats another failure", async () => {
    const saved = () => json(503, { title: "Live delivery is unavailable.", saved: true }, "application/problem+json");
    const { calls, impl } = fakeFetch(Array.from({ length: SendAttempts }, saved));
    const api = new Api(async () => "t", "", impl, async () => false, async () => {});
    const error = await api.send("c", { text: "hi", clientId: "k" }).catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(503);
    expect(calls).toHaveLength(SendAttempts);

    for (const answer of [json(503, { title: "Down" }, "application/problem+json"), json(500, { saved: true })]) {
      const once = fakeFetch([answer]);
      const failed = await new Api(async () => "t", "", once.impl, async () => false, async () => {}).send("c", { text: "x", clientId: "1" }).catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(ApiError);
      expect(once.calls).toHaveLength(1);
    }
  });
});

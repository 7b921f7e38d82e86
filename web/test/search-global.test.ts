import { describe, expect, it } from "vitest";
import { Api, ApiError } from "../src/api";
import { globalParams, hasFilters, noFilters, searchAllChats } from "../src/search";

type Call = { url: string; init: RequestInit };

function fakeFetch(answers: Response[]) {
  const calls: Call[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return answers.shift()!;
  }) as unknown as typeof fetch;
  return { calls, impl };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("search across my chats", () => {
  it("sends the words and only the filters that are set", () => {
    expect(globalParams("  天気  ", noFilters)).toEqual({ q: "天気" });
    expect(globalParams("report", { from: "@bob", in: "c1", after: "2026-01-01", before: "2026-02-01", hasFile: true, sort: "newest" }))
      .toEqual({ q: "report", from: "bob", in: "c1", after: "2026-01-01", before: "2026-02-01", has: "file", sort: "newest" });
  });

  it("asks nothing without words or filters, and filters alone are a search", async () => {
    const { calls, impl } = fakeFetch([json(200, { items: [], nextCursor: null })]);
    const api = new Api(async () => "t", "", impl);

    expect(await searchAllChats(api, "   ", { ...noFilters, sort: "newest" })).toBeNull();
    expect(hasFilters({ ...noFilters, hasFile: true })).toBe(true);
    expect(await searchAllChats(api, "", { ...noFilters, hasFile: true })).toEqual({ hits: [], nextCursor: null, message: null });
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/search?has=file&limit=20"]);
  });

  it("pages with the cursor and turns a problem into a quiet message", async () => {
    const problem = { title: "Bad", status: 400, detail: "before must be a date.", errors: { before: ["before must be a date."] } };
    const { calls, impl } = fakeFetch([
      json(200, { items: [{ signalId: "s", chatId: "c", senderId: "u", createdAt: "2026-01-01T00:00:00Z", snippet: "x" }], nextCursor: null }),
      new Response(JSON.stringify(problem), { status: 400, headers: { "Content-Type": "application/problem+json" } }),
    ]);
    const api = new Api(async () => "t", "", impl);

    const page = await searchAllChats(api, "x", noFilters, "abc");
    const failed = await searchAllChats(api, "x", { ...noFilters, before: "nope" });

    expect(page?.hits.map((h) => h.chatId)).toEqual(["c"]);
    expect(calls[0].url).toBe("/api/v1/search?q=x&limit=20&cursor=abc");
    expect(failed?.message).toBeTruthy();
    expect(await searchAllChats({ searchAll: async () => Promise.reject(new ApiError(503, null)) }, "x", noFilters))
      .toEqual({ hits: [], nextCursor: null, message: "Search is not available right now. Try again in a moment." });
  });
});

import { describe, expect, it } from "vitest";
import { Api, ApiError } from "../src/api";
import { searchChat, snippetParts } from "../src/search";
import { Snippet } from "../src/ui/Snippet";

const S = "\uE000";
const E = "\uE001";

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

describe("snippet parts", () => {
  it("cuts a snippet into plain and matched stretches", () => {
    expect(snippetParts(`a ${S}café${E} in the ${S}orga${E}nisation`)).toEqual([
      { text: "a ", hit: false },
      { text: "café", hit: true },
      { text: " in the ", hit: false },
      { text: "orga", hit: true },
      { text: "nisation", hit: false },
    ]);
  });

  it("keeps markup as text: nothing is HTML", () => {
    expect(snippetParts(`<b>${S}<img src=x onerror=alert(1)>${E}</b>`)).toEqual([
      { text: "<b>", hit: false },
      { text: "<img src=x onerror=alert(1)>", hit: true },
      { text: "</b>", hit: false },
    ]);
  });

  it("copes with marks at the edges, unclosed, stray or empty", () => {
    expect(snippetParts(`${S}all${E}`)).toEqual([{ text: "all", hit: true }]);
    expect(snippetParts(`x ${S}open`)).toEqual([{ text: "x ", hit: false }, { text: "open", hit: true }]);
    expect(snippetParts(`stray${E} end`)).toEqual([{ text: "stray", hit: false }, { text: " end", hit: false }]);
    expect(snippetParts(`${S}${E}`)).toEqual([]);
    expect(snippetParts("")).toEqual([]);
  });

  it("keeps characters outside the basic plane whole", () => {
    expect(snippetParts(`🎉 ${S}fête${E} 👍`).map((p) => p.text).join("")).toBe("🎉 fête 👍");
  });
});

describe("snippet rendering", () => {
  type Node = { type: string; props: { children: unknown } };
  it("puts matched words in <mark> and the rest in text spans, markup as plain strings", () => {
    const root = Snippet({ snippet: `say ${S}<b>hi</b>${E} now` }) as unknown as Node;
    expect(root.type).toBe("span");
    const children = root.props.children as Node[];
    expect(children.map((c) => [c.type, c.props.children])).toEqual([
      ["span", "say "],
      ["mark", "<b>hi</b>"],
      ["span", " now"],
    ]);
  });
});

describe("search call", () => {
  it("asks the chat's search with q, limit and cursor", async () => {
    const hit = { signalId: "s1", chatId: "c", senderId: "u", createdAt: "2026-01-01T00:00:00Z", snippet: `${S}hi${E}` };
    const { calls, impl } = fakeFetch([json(200, { items: [hit], nextCursor: "n1" }), json(200, { items: [], nextCursor: null })]);
    const api = new Api(async () => "t", "", impl);
    expect(await searchChat(api, "c", "  hello wor ")).toEqual({ hits: [hit], nextCursor: "n1", message: null });
    await searchChat(api, "c", "hello wor", "n1");
    expect(calls.map((c) => c.url)).toEqual([
      "/api/v1/chats/c/search?q=hello+wor&limit=20",
      "/api/v1/chats/c/search?q=hello+wor&limit=20&cursor=n1",
    ]);
    expect(calls[0].init.method).toBe("GET");
  });

  it("asks nothing for an empty query", async () => {
    const { calls, impl } = fakeFetch([]);
    const api = new Api(async () => "t", "", impl);
    expect(await searchChat(api, "c", "")).toBeNull();
    expect(await searchChat(api, "c", "   ")).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it("turns 400, 404 and 503 into quiet messages", async () => {
    const { impl } = fakeFetch([
      new Response(JSON.stringify({ title: "Bad", errors: { q: ["q is at most 500 characters."] } }), { status: 400, headers: { "Content-Type": "application/problem+json" } }),
      new Response(null, { status: 404 }),
      new Response(null, { status: 503 }),
      new Response("<html>", { status: 200 }),
    ]);
    const api = new Api(async () => "t", "", impl);
    expect((await searchChat(api, "c", "x"))?.message).toBe("q is at most 500 characters.");
    expect((await searchChat(api, "c", "x"))?.message).toBe("Search is not available in this chat.");
    expect((await searchChat(api, "c", "x"))?.message).toMatch(/not available right now/);
    const broken = await searchChat(api, "c", "x");
    expect(broken).toEqual({ hits: [], nextCursor: null, message: "Search failed." });
  });

  it("says when the server cannot be reached", async () => {
    const api = { search: async () => Promise.reject(new TypeError("fetch failed")) };
    expect((await searchChat(api, "c", "x"))?.message).toMatch(/cannot be reached/);
    const other = { search: async () => Promise.reject(new ApiError(500, null)) };
    expect((await searchChat(other, "c", "x"))?.message).toBe("Search failed: The server answered 500.");
  });
});

// Search in a chat (docs/api.md, "Search"): the call, and its snippets cut for display.
import { ApiError, type Api } from "./api";
import type { SearchHit } from "./types";

/** Where a snippet's matched words start and end. */
export const markStart = "\uE000";
export const markEnd = "\uE001";

export interface SnippetPart {
  text: string;
  hit: boolean;
}

/**
 * A snippet cut into plain and matched stretches, for rendering as text nodes (never as HTML).
 * A mark left open runs to the end; a stray end mark is dropped; empty stretches are left out.
 */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let hit = false;
  let text = "";
  const flush = () => {
    if (text) parts.push({ text, hit });
    text = "";
  };
  for (const ch of snippet) {
    if (ch === markStart || ch === markEnd) {
      flush();
      hit = ch === markStart;
    } else {
      text += ch;
    }
  }
  flush();
  return parts;
}

export type SearchResult =
  | { hits: SearchHit[]; nextCursor: string | null; message: null }
  | { hits: []; nextCursor: null; message: string };

/**
 * One page of results for `q` in a chat. An empty query asks nothing. A failure the reader can
 * do nothing about (bad query, no access, search down) comes back as a quiet message, not a throw.
 */
export async function searchChat(api: Pick<Api, "search">, chatId: string, q: string, cursor: string | null = null): Promise<SearchResult | null> {
  const text = q.trim();
  if (!text) return null;
  try {
    const page = await api.search(chatId, text, cursor);
    return { hits: page.items, nextCursor: page.nextCursor, message: null };
  } catch (error) {
    return { hits: [], nextCursor: null, message: searchFailure(error) };
  }
}

/** The filters of a search across my chats, as the form holds them ("" is unset). */
export interface GlobalFilters {
  from: string;
  in: string;
  after: string;
  before: string;
  hasFile: boolean;
  sort: "best" | "newest";
}

export const noFilters: GlobalFilters = { from: "", in: "", after: "", before: "", hasFile: false, sort: "best" };

/** The query parameters of `GET /api/v1/search`. */
export type GlobalSearchParams = Partial<Record<"q" | "from" | "in" | "after" | "before" | "has" | "sort", string>>;

/** Whether any filter narrows the search (the sort does not). */
export function hasFilters(filters: GlobalFilters): boolean {
  return !!(filters.from.trim() || filters.in || filters.after || filters.before || filters.hasFile);
}

/** The parameters for `q` and `filters`; unset ones are left out (the server reads `from:` and friends in `q` too). */
export function globalParams(q: string, filters: GlobalFilters): GlobalSearchParams {
  const params: GlobalSearchParams = {};
  const text = q.trim();
  if (text) params.q = text;
  const from = filters.from.trim().replace(/^@/, "");
  if (from) params.from = from;
  if (filters.in) params.in = filters.in;
  if (filters.after) params.after = filters.after;
  if (filters.before) params.before = filters.before;
  if (filters.hasFile) params.has = "file";
  if (filters.sort !== "best") params.sort = filters.sort;
  return params;
}

/** One page across every chat I am in; null when neither words nor a filter ask anything. */
export async function searchAllChats(
  api: Pick<Api, "searchAll">, q: string, filters: GlobalFilters, cursor: string | null = null,
): Promise<SearchResult | null> {
  if (!q.trim() && !hasFilters(filters)) return null;
  try {
    const page = await api.searchAll(globalParams(q, filters), cursor);
    return { hits: page.items, nextCursor: page.nextCursor, message: null };
  } catch (error) {
    return { hits: [], nextCursor: null, message: searchFailure(error) };
  }
}

function searchFailure(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 400) return error.problem ? error.message : "This search cannot be made.";
    if (error.status === 404) return "Search is not available in this chat.";
    if (error.status === 503) return "Search is not available right now. Try again in a moment.";
    return `Search failed: ${error.message}`;
  }
  if (error instanceof TypeError) return "Search failed: the server cannot be reached.";
  return "Search failed.";
}

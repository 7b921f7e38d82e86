import { describe, expect, it } from "vitest";
import type { ChatClient } from "../src/client";
import { chatsWithDeletedSignal, chatsWithEditedSignal } from "../src/previews";
import type { Chat, Signal } from "../src/types";
import { preview } from "../src/ui/ChatList";

const chatId = "0190a000-0000-7000-8000-000000000999";
const client = { userName: (id: string | null) => (id === "alice" ? "Alice" : String(id)) } as unknown as ChatClient;

function signal(id: string, extra: Partial<Signal> = {}): Signal {
  return {
    id, chatId, kind: "message", senderId: "alice", text: "regrettable", clientId: id,
    createdAt: "2026-01-01T00:00:00Z", memberId: null, callUrl: null, reactions: [], attachments: [], attachmentIds: [],
    ...extra,
  };
}

function chat(last: Signal): Chat {
  return { id: chatId, kind: "group", name: "Team", members: [], lastActivityAt: last.createdAt, unreadCount: 1, lastSignal: last } as unknown as Chat;
}

describe("chat list previews", () => {
  it("a deleted last message shows as deleted in the list, live, not its old text", () => {
    const chats = chatsWithDeletedSignal([chat(signal("s1"))], chatId, "s1", "2026-01-01T00:01:00Z")!;

    expect(chats[0].lastSignal?.text).toBeNull();
    expect(preview(chats[0].lastSignal, client, "bob")).toBe("Alice: message deleted");
    expect(chatsWithDeletedSignal(chats, chatId, "another", "2026-01-01T00:01:00Z")).toBeNull();
  });

  it("an edited last message shows its new text in the list", () => {
    const chats = chatsWithEditedSignal([chat(signal("s1"))], signal("s1", { text: "fixed", editedAt: "2026-01-01T00:02:00Z" }))!;

    expect(preview(chats[0].lastSignal, client, "bob")).toBe("Alice: fixed");
    expect(chatsWithEditedSignal(chats, signal("older", { text: "x" }))).toBeNull();
  });

  it("a rename says who renamed the group and to what", () => {
    const renamed = signal("s2", { kind: "chat_renamed", text: null, oldName: "Team", newName: "Crew" });

    expect(preview(renamed, client, "bob")).toBe("✏️ Alice renamed the group to “Crew”");
    expect(preview(renamed, client, "alice")).toBe("✏️ You renamed the group to “Crew”");
  });
});

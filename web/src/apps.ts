// Apps in the web client: incoming webhooks of a chat, slash commands and their answers (docs/apps.md).
import type { Call, Signal } from "./types";

export interface IncomingWebhook {
  id: string;
  chatId: string;
  name: string;
  avatarUrl: string | null;
  botUserId: string;
  createdBy: string;
  createdAt: string;
  /** Holds the secret token: only in the answers that make one (create, rotate). */
  url: string | null;
}

export interface Command {
  name: string;
  description: string;
  /** The app answering it; null for a built-in. */
  app: string | null;
}

/** What the send call answers for a slash command that an app handled, instead of a signal. */
export interface CommandResult {
  command: string;
  text: string | null;
  visibility: "me" | "chat";
  signalId: string | null;
  pending: boolean;
  /** The call that `/call` started or joined, with my `join`. */
  call?: Call;
}

/** The `command_answer` live event: an app's later answer, for my eyes only. */
export interface CommandAnswerEvent {
  chatId: string;
  command: string;
  text: string;
  visibility: "me";
}

export function isCommandResult(answer: Signal | CommandResult): answer is CommandResult {
  return "visibility" in answer && !("kind" in answer);
}

/**
 * The commands to suggest while `text` is being typed: when it is a slash and the start of a
 * command name (no space yet), those whose name starts with it, in the server's order.
 */
export function suggestCommands(commands: Command[], text: string): Command[] {
  const typed = /^\/([A-Za-z0-9_-]*)$/.exec(text);
  if (!typed) return [];
  const prefix = typed[1].toLowerCase();
  return commands.filter((c) => c.name.startsWith(prefix));
}

/** The text shown for an answer only I see: the app's text, or what it said while it works on it. */
export function ephemeralText(result: CommandResult): string {
  return result.text ?? `/${result.command}: the app is working on it; its answer will appear here.`;
}

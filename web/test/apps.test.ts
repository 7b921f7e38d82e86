import { describe, expect, it } from "vitest";
import { ephemeralText, isCommandResult, suggestCommands, type Command } from "../src/apps";
import type { Signal } from "../src/types";

const commands: Command[] = [
  { name: "me", description: "Say what you are doing", app: null },
  { name: "shrug", description: "Shrug", app: null },
  { name: "weather", description: "The weather", app: "Weather" },
  { name: "welcome", description: "Greets", app: "Greeter" },
];

describe("suggestCommands", () => {
  it("lists every command for a lone slash, in the server's order", () => {
    expect(suggestCommands(commands, "/").map((c) => c.name)).toEqual(["me", "shrug", "weather", "welcome"]);
  });

  it("keeps those starting with what was typed, ignoring case", () => {
    expect(suggestCommands(commands, "/WE").map((c) => c.name)).toEqual(["weather", "welcome"]);
  });

  it("stops suggesting once the command is followed by text, and for text that is not a command", () => {
    expect(suggestCommands(commands, "/weather paris")).toEqual([]);
    expect(suggestCommands(commands, "hello /we")).toEqual([]);
    expect(suggestCommands(commands, "/home/me")).toEqual([]);
  });
});

describe("command results", () => {
  it("tells a command's result from a signal", () => {
    const signal = { id: "1", kind: "message", text: "hi" } as Signal;
    expect(isCommandResult(signal)).toBe(false);
    expect(isCommandResult({ command: "echo", text: "hi", visibility: "me", signalId: null, pending: false })).toBe(true);
  });

  it("says the app is working when it will answer later", () => {
    expect(ephemeralText({ command: "echo", text: null, visibility: "me", signalId: null, pending: true })).toContain("/echo");
    expect(ephemeralText({ command: "echo", text: "done", visibility: "me", signalId: null, pending: false })).toBe("done");
  });
});

import { useEffect, useState } from "preact/hooks";
import type { ChatClient, State } from "../client";

/** The client's state, re-rendering on every change. */
export function useClientState(client: ChatClient): State {
  const [state, setState] = useState(client.state);
  useEffect(() => {
    setState(client.state);
    return client.subscribe(() => setState(client.state));
  }, [client]);
  return state;
}

/** `#/c/<chatId>` or `#/c/<chatId>/m/<signalId>`. */
export interface Route {
  chatId: string | null;
  signalId: string | null;
}

export function parseRoute(hash: string): Route {
  const match = /^#\/c\/([0-9a-fA-F-]{36})(?:\/m\/([0-9a-fA-F-]{36}))?/.exec(hash);
  return { chatId: match?.[1] ?? null, signalId: match?.[2] ?? null };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}

export function go(chatId: string | null, signalId?: string): void {
  window.location.hash = chatId ? `#/c/${chatId}${signalId ? `/m/${signalId}` : ""}` : "#/";
}

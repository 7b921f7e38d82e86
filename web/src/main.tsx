import { render } from "preact";
import { Api } from "./api";
import { Auth, loadConfig } from "./auth";
import { ChatClient } from "./client";
import { E2eeDevice } from "./e2ee/device";
import { IdbKeyValue } from "./e2ee/idb";
import { registerWorker } from "./push";
import { App } from "./ui/App";
import { SignIn } from "./ui/SignIn";
import "./styles.css";

async function boot(root: HTMLElement): Promise<void> {
  let auth: Auth;
  try {
    const config = await loadConfig();
    // The embedded issuer is this server under its configured name (localhost, say): opened as
    // 127.0.0.1, the app would call it cross-origin. Go to the issuer's own origin instead.
    const issuerOrigin = new URL(config.authority).origin;
    if (config.embedded && issuerOrigin !== window.location.origin) {
      window.location.replace(issuerOrigin + window.location.pathname + window.location.search + window.location.hash);
      return;
    }
    auth = new Auth(config);
  } catch (error) {
    render(<SignIn error={`The server did not answer: ${(error as Error).message}`} />, root);
    return;
  }

  let user;
  try {
    user = await auth.restore();
  } catch (error) {
    window.history.replaceState(null, "", "/");
    render(<SignIn onSignIn={() => auth.signIn()} error={`Sign-in failed: ${(error as Error).message}`} />, root);
    return;
  }
  if (!user) {
    render(<SignIn onSignIn={() => auth.signIn()} />, root);
    return;
  }

  // A 401 that a silent renew cannot cure means the issuer's session is over: sign in again.
  const api = new Api(() => auth.token(), "", undefined, async () => {
    if (await auth.renew()) return true;
    void auth.signIn();
    return false;
  });
  let me;
  try {
    me = await api.me();
  } catch (error) {
    render(<SignIn onSignIn={() => auth.signIn()} error={(error as Error).message} />, root);
    return;
  }
  const device = await startDevice(api, me.id);
  const client = new ChatClient(api, me, undefined, device instanceof E2eeDevice ? device : null);
  if (!(device instanceof E2eeDevice)) client.notify(`End-to-end encrypted chats cannot be read in this browser: ${device}`);
  window.addEventListener("online", () => client.nudge());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      client.nudge();
      client.markRead();
    }
  });
  client.start();
  void registerWorker();
  render(<App client={client} onSignOut={() => { client.stop(); void auth.signOut(); }} />, root);
}

/**
 * This browser's device of end-to-end encryption, or why there is none: without IndexedDB (a
 * private window of some browsers), or with the user's device limit reached, encrypted chats stay sealed.
 */
async function startDevice(api: Api, userId: string): Promise<E2eeDevice | string> {
  try {
    return await E2eeDevice.start(api, userId, await IdbKeyValue.open(userId));
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

void boot(document.getElementById("app")!);

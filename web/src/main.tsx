import { render } from "preact";
import { Api } from "./api";
import { Auth, loadConfig } from "./auth";
import { ChatClient } from "./client";
import { App } from "./ui/App";
import { SignIn } from "./ui/SignIn";
import "./styles.css";

async function boot(root: HTMLElement): Promise<void> {
  let auth: Auth;
  try {
    auth = new Auth(await loadConfig());
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

  const api = new Api(() => auth.token(), "", undefined, () => auth.renew());
  let me;
  try {
    me = await api.me();
  } catch (error) {
    render(<SignIn onSignIn={() => auth.signIn()} error={(error as Error).message} />, root);
    return;
  }
  const client = new ChatClient(api, me);
  window.addEventListener("online", () => client.nudge());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      client.nudge();
      client.markRead();
    }
  });
  client.start();
  render(<App client={client} onSignOut={() => { client.stop(); void auth.signOut(); }} />, root);
}

void boot(document.getElementById("app")!);

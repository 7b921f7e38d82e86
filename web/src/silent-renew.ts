import { UserManager } from "oidc-client-ts";

// Loaded in the hidden frame of a silent renew: hands the issuer's answer to the app's window.
void new UserManager({ authority: window.location.origin, client_id: "petitchat-web", redirect_uri: window.location.href })
  .signinSilentCallback();

export function SignIn(props: { onSignIn?: () => void; error?: string }) {
  return (
    <main class="signin">
      <div class="signin-card">
        <img class="brand-logo" src="/favicon.svg" alt="" width="56" height="56" />
        <h1>Petit chat</h1>
        <p class="muted">Your team's chat, on your own server.</p>
        {props.error && <p class="error" role="alert">{props.error}</p>}
        {props.onSignIn && (
          <button class="primary wide" onClick={props.onSignIn} autofocus>
            Sign in
          </button>
        )}
      </div>
    </main>
  );
}

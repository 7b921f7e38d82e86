// Starts what the end-to-end tests need: the real server (built PetitChat.Server, embedded
// defaults, a fresh data folder, a free loopback port) and Debian's Chromium driven by
// playwright-core. Nothing is mocked.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const repo = resolve(here, "..", "..");
export const artifacts = resolve(here, "..", "artifacts");
export const password = "e2e-password";

const serverDll = process.env.PETITCHAT_SERVER_DLL
  ?? join(repo, "src", "PetitChat.Server", "bin", "Release", "net10.0", "PetitChat.Server.dll");
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export function freePort() {
  return new Promise((ok, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
}

/** Resolves when `check` answers true, polling; fails with `what` after `ms`. */
export async function until(check, what, ms = 20_000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out after ${ms} ms waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

/** The real server on 127.0.0.1; `restart()` keeps its port and data folder. */
export class Server {
  /** `settings`: more environment variables for the server (configuration keys with `__`). */
  constructor(settings = {}) {
    this.settings = settings;
    this.folder = mkdtempSync(join(tmpdir(), "petitchat-e2e-"));
    this.process = null;
    this.output = [];
  }

  async start() {
    if (!existsSync(serverDll)) {
      throw new Error(`${serverDll} is missing: run \`dotnet build src/PetitChat.Server -c Release\` first (scripts/test.sh does).`);
    }
    this.port ??= await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    mkdirSync(this.folder, { recursive: true });
    const env = {
      ...process.env,
      ASPNETCORE_ENVIRONMENT: "Production",
      Urls: this.base,
      Store__Sqlite__Path: join(this.folder, "petitchat.db"),
      Identity__CliPassword: password,
      // Production environment on purpose (as deployed), so the embedded issuer is asked for by name.
      Identity__Embedded__Enabled: "true",
      // The tests sign many users in from 127.0.0.1 (the per-address limits are for real clients).
      RateLimits__Anonymous__PermitLimit: "1000000",
      RateLimits__TokensPerAddress__PermitLimit: "1000000",
      RateLimits__TokensPerUsername__PermitLimit: "1000000",
      Identity__Embedded__KeyPath: join(this.folder, "issuer-keys.json"),
      Identity__Embedded__Issuer: `${this.base}/`,
      Logging__LogLevel__Default: "Warning",
      ...this.settings,
    };
    const child = spawn("dotnet", [serverDll], { cwd: this.folder, env, stdio: ["ignore", "pipe", "pipe"] });
    this.process = child;
    child.stdout.on("data", (d) => this.output.push(String(d)));
    child.stderr.on("data", (d) => this.output.push(String(d)));
    const exited = new Promise((r) => child.once("exit", r));
    this.exited = exited;
    let gone = false;
    void exited.then(() => (gone = true));
    await until(async () => {
      if (gone) throw new Error(`the server exited:\n${this.output.join("")}`);
      const response = await fetch(`${this.base}/config.json`);
      return response.ok;
    }, "the server to answer", 60_000);
  }

  async stop() {
    if (!this.process) return;
    const child = this.process;
    this.process = null;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await this.exited;
    clearTimeout(timer);
  }

  async restart() {
    await this.stop();
    await this.start();
  }

  async dispose() {
    await this.stop();
    rmSync(this.folder, { recursive: true, force: true });
  }

  /** An access token from the embedded issuer's password grant, for setting up data. */
  async token(username) {
    const response = await fetch(`${this.base}/connect/token`, {
      method: "POST",
      body: new URLSearchParams({ grant_type: "password", client_id: "petitchat-cli", username, password, scope: "openid profile" }),
    });
    if (!response.ok) throw new Error(`token for ${username}: ${response.status} ${await response.text()}`);
    return (await response.json()).access_token;
  }

  async api(username, method, path, body) {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${await this.token(username)}`, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  }
}

export async function launchBrowser() {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: apt-get install chromium (scripts/test.sh installs it).`);
  }
  // playwright-core gives every launch a fresh, temporary user-data dir.
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A browser context for one user, collecting console errors and failed page loads. */
export async function userPage(browser, viewport = { width: 1280, height: 800 }, options = {}) {
  const context = await browser.newContext({ viewport, ...options });
  return watched(await context.newPage());
}

/**
 * A page in a browser with a profile on disk: Chromium offers the Push API only there (a plain
 * context is incognito, where subscribing logs a console error). Closing its context ends that
 * browser and removes the profile.
 */
export async function profilePage(viewport = { width: 1280, height: 800 }) {
  const profile = mkdtempSync(join(tmpdir(), "petitchat-e2e-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  // Chromium may still be writing into the profile as the context closes: retry, and never
  // fail a test over a leftover temporary folder.
  context.on("close", () => {
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch {
      // harmless: it is under the system's temporary folder
    }
  });
  return watched(context.pages()[0] ?? await context.newPage());
}

function watched(page) {
  page.consoleErrors = [];
  page.on("console", (m) => m.type() === "error" && page.consoleErrors.push(`${m.text()} (${m.location().url})`));
  page.on("response", (r) => r.status() >= 400 && page.consoleErrors.push(`${r.status()} ${r.url()}`));
  page.on("pageerror", (e) => page.consoleErrors.push(String(e)));
  return page;
}

/** Signs in through the app: its button, then the embedded issuer's login form. */
export async function signIn(page, base, username) {
  await page.goto(`${base}/`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  await page.getByText(`@${username}`, { exact: true }).first().waitFor({ timeout: 20_000 });
}

/** Opens (or starts) the direct chat with `username` through New chat, as a user would; resolves to its composer once shown. */
export async function openDirectChat(page, username) {
  await page.getByRole("button", { name: "New chat" }).first().click();
  await page.getByRole("searchbox", { name: "Find a user by username" }).fill(username);
  await page.getByRole("button", { name: new RegExp(`@${username}`) }).click();
  const composer = page.getByRole("textbox", { name: "Message" });
  await composer.waitFor();
  return composer;
}

export async function shot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}

/**
 * JitsiFrameStub: stands in for Jitsi's IFrame API (external_api.js), since nothing here reaches a
 * Jitsi server. It records what the app passed (domain, room, jwt) in `window.jitsiFrameStub`,
 * draws an empty frame, and answers `hangup` with `readyToClose` as Jitsi does.
 * https://jitsi.github.io/handbook/docs/dev-guide/dev-guide-iframe
 */
export const jitsiFrameStub = `
window.JitsiMeetExternalAPI = class JitsiFrameStub {
  constructor(domain, options) {
    this.listeners = {};
    window.jitsiFrameStub = { domain, roomName: options.roomName, jwt: options.jwt ?? null, disposed: false };
    const frame = document.createElement("iframe");
    frame.title = "Jitsi Meet (stub)";
    frame.style.cssText = "width:100%;height:100%;border:0;background:#222";
    options.parentNode.appendChild(frame);
  }
  addListener(event, listener) { this.listeners[event] = listener; }
  executeCommand(command) { if (command === "hangup") this.listeners.readyToClose?.(); }
  dispose() { window.jitsiFrameStub.disposed = true; }
};`;

/** Serves {@link jitsiFrameStub} as `https://<domain>/external_api.js` to this page. */
export async function stubJitsi(page, domain = "meet.jit.si") {
  await page.route(`https://${domain}/external_api.js`, (route) => route.fulfill({ contentType: "text/javascript", body: jitsiFrameStub }));
}

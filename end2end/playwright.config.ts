// End-to-end tests against the real release server binary, the local OpenID provider and the
// provider emulators (all started here; Playwright waits until they answer), in three engines:
// - desktop and mobile: Debian's Chromium, driven by Playwright;
// - firefox: Debian's Firefox ESR 153, driven by Playwright over WebDriver BiDi (the same tests);
// - webkit: Debian's WebKitGTK MiniBrowser, which Playwright cannot drive (it needs its own
//   patched WebKit): the tests in webkit/ drive it over W3C WebDriver (WebKitWebDriver, under
//   Xvfb) and only use this runner, its servers and its assertions.
// Run through `scripts/test`, which builds the site and exports the server's environment; one
// engine alone: `npx playwright test --project firefox` (or `npm run firefox`, `npm run webkit`).
import { defineConfig, devices } from "@playwright/test";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { appSecret, emulatedProvidersEnv, faultTestsEnv, serverLog } from "./app-env.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const appUrl = "http://127.0.0.1:3000";
// A second instance of the server for the ID-token and provider-fault tests (id-token.spec.ts,
// provider-faults.spec.ts): the misbehaving provider emulator and the failing issuers stay off
// the main app.
const faultAppUrl = "http://127.0.0.1:3002";
const providerUrl = "http://127.0.0.1:4010";
const localClient = JSON.parse(readFileSync(path.join(here, "provider/clients.json"), "utf8"))[0];
const serverBin = process.env.PORTE_SERVER_BIN ?? path.join(root, "target/release/server");
// The minimal example (examples/minimal), built by `cargo leptos build --project minimal`.
const minimalBin = process.env.PORTE_MINIMAL_BIN ?? path.join(path.dirname(serverBin), "minimal");
const minimalUrl = "http://127.0.0.1:3010";

export default defineConfig({
  // Each project names its own folder: tests/ (Playwright) or webkit/ (WebDriver).
  testDir: ".",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  use: {
    baseURL: appUrl,
    browserName: "chromium",
    headless: true,
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "desktop", testDir: "./tests", testIgnore: /mobile\.spec\.ts/ },
    // A Pixel-sized phone: the sign-in card and the same-tab path.
    {
      name: "mobile",
      testDir: "./tests",
      testMatch: /mobile\.spec\.ts/,
      use: { ...devices["Pixel 5"], browserName: "chromium" },
    },
    // The whole suite again in Firefox. `moz-firefox` drives a stock Firefox over WebDriver BiDi
    // (Playwright 1.64.1: 1.65 sends a command ESR 153 does not know); without executablePath it
    // looks for /snap/bin/firefox. Playwright adds --headless itself.
    {
      name: "firefox",
      testDir: "./tests",
      testIgnore: /mobile\.spec\.ts/,
      use: {
        browserName: "firefox",
        channel: "moz-firefox",
        launchOptions: { executablePath: "/usr/bin/firefox-esr" },
      },
    },
    // WebKit over WebDriver (webkit/driver.ts starts Xvfb and WebKitWebDriver per worker).
    { name: "webkit", testDir: "./webkit" },
    // The Tauri desktop example over tauri-driver + WebKitWebDriver, its system browser Chromium
    // (desktop/app.ts).
    { name: "tauri", testDir: "./desktop" },
  ],
  webServer: [
    {
      command: "node provider/server.mjs",
      cwd: here,
      // Access tokens live 5 s, so refresh (and its races) happen many times per test; the test
      // hook lets a test change a user's groups (trust.spec.ts).
      env: { OIDC_ACCESS_TOKEN_TTL: "5", OIDC_TEST_HOOKS: "1" },
      url: `${providerUrl}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      stdout: "pipe",
      timeout: 30_000,
    },
    {
      // A second local provider whose pages send Cross-Origin-Opener-Policy: same-origin, as
      // Microsoft's do: the popup is cut off from the page while the user signs in.
      command: "node provider/server.mjs",
      cwd: here,
      env: { OIDC_PORT: "4011", OIDC_COOP: "same-origin", OIDC_ACCESS_TOKEN_TTL: "5" },
      url: "http://127.0.0.1:4011/.well-known/openid-configuration",
      reuseExistingServer: false,
      stdout: "pipe",
      timeout: 30_000,
    },
    {
      command: "node emulators/server.mjs",
      cwd: here,
      // The main server, and the instances the lifetime and fleet tests start on 3005.
      env: { EMULATOR_REDIRECT_URIS: "http://127.0.0.1:3000/api/oauth/redirect,http://127.0.0.1:3005/api/oauth/redirect" },
      url: "http://127.0.0.1:4025/_emulator/health",
      reuseExistingServer: false,
      stdout: "pipe",
      timeout: 30_000,
    },
    {
      // Every log line of the whole run, at debug level, goes to a file that secrets.spec.ts
      // searches for secrets.
      command: `mkdir -p ${JSON.stringify(path.dirname(serverLog))} && exec ${JSON.stringify(serverBin)} > ${JSON.stringify(serverLog)} 2>&1`,
      cwd: root,
      url: appUrl,
      reuseExistingServer: false,
      stdout: "pipe",
      timeout: 60_000,
      env: {
        PORTE_SECRET_KEY: appSecret,
        RUST_LOG: "debug",
        ...emulatedProvidersEnv(),
        // Authgear-style: any OpenID provider by discovery, issuer = bare origin (the local one).
        AUTHGEAR_DOMAIN: providerUrl,
        AUTHGEAR_CLIENT_ID: "porte-authgear",
        AUTHGEAR_CLIENT_SECRET: "porte-authgear-dev-secret-0123456789abcdef",
        OIDC_COOP_ISSUER: "http://127.0.0.1:4011",
        OIDC_COOP_CLIENT_ID: "porte-local",
        OIDC_COOP_CLIENT_SECRET: "porte-local-dev-secret-0123456789abcdef",
        OIDC_COOP_LABEL: "COOP provider",
        OIDC_COOP_SCOPES: "openid profile email",
      },
    },
    {
      // The minimal example with only the local provider, configured as the README says.
      command: JSON.stringify(minimalBin),
      cwd: root,
      url: minimalUrl,
      reuseExistingServer: false,
      stdout: "pipe",
      timeout: 60_000,
      env: {
        LEPTOS_OUTPUT_NAME: "minimal",
        LEPTOS_SITE_ROOT: path.join(root, "target/site-minimal"),
        LEPTOS_SITE_PKG_DIR: "pkg",
        LEPTOS_HASH_FILES: "true",
        LEPTOS_HASH_FILE_NAME: "minimal-hash.txt",
        LEPTOS_SITE_ADDR: "127.0.0.1:3010",
        PORTE_ORIGIN: minimalUrl,
        PORTE_SECRET_KEY: appSecret,
        OIDC_LOCAL_ISSUER: providerUrl,
        OIDC_LOCAL_CLIENT_ID: localClient.client_id,
        OIDC_LOCAL_CLIENT_SECRET: localClient.client_secret,
      },
    },
    {
      command: JSON.stringify(serverBin),
      cwd: root,
      url: faultAppUrl,
      reuseExistingServer: false,
      stdout: "pipe",
      timeout: 60_000,
      env: { PORTE_SECRET_KEY: appSecret, RUST_LOG: "info", ...faultTestsEnv(faultAppUrl) },
    },
  ],
});

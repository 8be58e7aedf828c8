// The client secret lives only in the server: not in the built site, not in anything served.
import { test, expect } from "@playwright/test";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { appSecret, emulatedProvidersEnv, serverLog } from "../app-env.mjs";
import { card, clickLogin, clickLoginWith, continueAs, localClient, openHome, root, signInAtProvider } from "./helpers";

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

// Every client secret the test server holds: the local provider's, Authgear's, the emulators'.
const secrets = [
  localClient.client_secret,
  "porte-authgear-dev-secret-0123456789abcdef",
  ...Object.entries(emulatedProvidersEnv()).filter(([k]) => k.endsWith("_SECRET")).map(([, v]) => v),
  appSecret,
].map((s) => Buffer.from(s));
// Also as Porte's compact text form writes it (the completion page's data): percent-encoded,
// with letters, digits and -_.~:/ kept as they are.
const asCompactText = (s: string) =>
  s.replace(/[^A-Za-z0-9\-_.~:/]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
const leaks = (body: Buffer) => secrets.some((s) => body.includes(s) || body.includes(asCompactText(s.toString())));

test("the built site (target/site) contains no client secret", () => {
  const site = files(path.join(root, "target/site"));
  expect(site.filter((f) => f.endsWith(".wasm")).length).toBeGreaterThan(0);
  expect(secrets.length).toBe(8);
  expect(site.filter((f) => leaks(readFileSync(f)))).toEqual([]);
});

test("no response, URL or log line (tracing at debug) during two whole logins and a revocation holds a secret", async ({ page, context, browserName }) => {
  // Keep the popup open so the bodies of its responses can still be read (the login test checks
  // that it closes itself).
  await context.addInitScript(() => {
    window.close = () => {};
  });
  const bodies: Promise<[string, Buffer]>[] = [];
  const urls: string[] = [];
  context.on("request", (r) => urls.push(r.url()));
  const logStart = readFileSync(serverLog).length;
  // Responses after the last step (a late refresh, say) are not awaited: stop collecting then, or
  // their unread bodies fail the test when it ends.
  let collecting = true;
  // Firefox (WebDriver BiDi) keeps no body for a response its memory cache served (the popup's
  // stylesheet, fetched by the page before): such a URL must have been read from the server.
  const cached: string[] = [];
  context.on("response", (r) => {
    if (collecting && r.url().startsWith("http://127.0.0.1:3000/") && r.status() < 300) {
      bodies.push(
        r.body().then(
          (b) => [r.url(), b] as [string, Buffer],
          (e) => {
            if (browserName !== "firefox" || !String(e).includes("no such network data")) throw e;
            cached.push(r.url());
            return [r.url(), Buffer.alloc(0)] as [string, Buffer];
          },
        ),
      );
    }
  });
  await openHome(page);
  const popup = await clickLogin(page);
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  // The popup is kept open (above); close it, or the next login reuses the named window.
  await popup.close();
  // A provider with a refresh token and an API (the sealed token goes back to the server).
  const google = await clickLoginWith(page, "Google");
  await continueAs(google, "bob");
  await expect(page.getByRole("heading", { name: "Signed in as Bob Builder" })).toBeVisible();

  // Logout everywhere sends Google's refresh token back to revoke it.
  await card(page, "google").getByRole("button", { name: "Logout everywhere" }).click();
  await expect(card(page, "google")).toHaveCount(0);
  collecting = false;

  const seen = await Promise.all(bodies);
  const read = new Set(seen.filter(([, b]) => b.length > 0).map(([url]) => url));
  expect(cached.filter((url) => !read.has(url)), "bodies never read").toEqual([]);
  const paths = seen.map(([url]) => new URL(url).pathname);
  expect(paths).toEqual(expect.arrayContaining(["/", "/api/oauth/redirect"]));
  expect(paths.some((p) => /^\/api\/oauth\/complete\.[0-9a-f]{8}\.js$/.test(p))).toBe(true);
  expect(paths.some((p) => /^\/pkg\/porte\.[\w-]+\.wasm$/.test(p))).toBe(true);
  const completions = seen.filter(([url]) => new URL(url).pathname === "/api/oauth/redirect");
  expect(completions.length).toBe(2);
  for (const [, body] of completions) expect(body.toString()).toContain("Sign-in complete");
  expect(seen.filter(([, body]) => leaks(body)).map(([url]) => url)).toEqual([]);

  // The refresh tokens issued in clear to the server, and the whole log of these logins.
  const refreshTokens: string[] = await (await fetch("http://127.0.0.1:4022/_emulator/issued-refresh-tokens")).json();
  expect(refreshTokens.length).toBeGreaterThan(0);
  const log = readFileSync(serverLog).subarray(logStart);
  expect(log.toString()).toMatch(/ DEBUG /); // tracing really was at debug
  expect(log.toString()).toContain("tokens revoked");
  for (const secret of [...secrets, ...refreshTokens.map((t) => Buffer.from(t))]) {
    expect(log.includes(secret), `log holds ${secret.subarray(0, 6)}…`).toBe(false);
    expect(urls.filter((u) => u.includes(secret.toString())), "URLs").toEqual([]);
  }
});

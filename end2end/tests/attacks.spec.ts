// Protocol attacks, performed and shown to fail.
import { readLoginStart } from "../porte-wire.mjs";
import { test, expect } from "@playwright/test";
import { card, clickLogin, continueAs, emulators, openHome, signInAtProvider } from "./helpers";

test("login CSRF: a login started in browser A and completed in browser B signs in neither", async ({ page, browser, context }) => {
  // A starts a login; its authorization URL ends up in B (sent by an attacker, or copied).
  const authorizations: string[] = [];
  context.on("request", (r) => {
    if (r.url().startsWith("http://127.0.0.1:4010/auth?")) authorizations.push(r.url());
  });
  await openHome(page);
  const popup = await clickLogin(page);
  await expect(popup.getByLabel("Username")).toBeVisible();
  const authorize = authorizations[0];
  expect(authorize).toBeTruthy();

  const other = await browser.newContext();
  const b = await other.newPage();
  await b.goto(authorize);
  await signInAtProvider(b, "bob", "builder");
  await b.getByRole("button", { name: "Allow" }).click();
  // B lands on the callback without A's flow cookie: refused, nothing signed in.
  await expect(b.getByRole("heading", { name: "Sign-in failed" })).toBeVisible();
  await expect(b.getByRole("status")).toContainText("invalid_state");
  await b.goto("http://127.0.0.1:3000/");
  await expect(card(b, "local")).toHaveCount(0);
  // A did not get B's account either.
  await expect(page.getByText("Signed in as Bob Builder")).toHaveCount(0);
  await other.close();
});

test("code injection: a code from one flow delivered with another flow's state fails PKCE at the provider", async ({ page }) => {
  await openHome(page);
  const start = async () => {
    const r = await page.request.post("/api/porte/start_login", {
      data: { request: { provider: "github", scope: [], fetch_user: true, fetch_groups: false, complete_page_html: null, return_to: null } },
    });
    return new URL(readLoginStart(await r.body()).authorization_url);
  };
  const first = await start();
  const second = await start();
  // Approve flow 1 at the provider without following its redirect: its code is not used.
  const approve = await page.request.post(first.href, {
    form: { user: "alice", ...Object.fromEntries(first.searchParams) },
    maxRedirects: 0,
  });
  expect(approve.status()).toBe(302);
  const code = new URL(approve.headers()["location"]).searchParams.get("code")!;
  expect(code).toBeTruthy();
  // Deliver flow 1's code with flow 2's state: the server sends flow 2's PKCE verifier.
  const callback = `/api/oauth/redirect?code=${encodeURIComponent(code)}&state=${second.searchParams.get("state")}`;
  await page.goto(callback);
  await expect(page.getByRole("heading", { name: "Sign-in failed" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("bad_verification_code");
  const sent = await (await page.request.get(`${emulators.github}/_emulator/last-token-request`)).json();
  expect(sent.has_code_verifier).toBe(true);
});

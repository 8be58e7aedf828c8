// The app's own server functions protected by Porte (the demo's "Ask the server" card: `whoami`
// with require_session, `admin_report` with require_group("local", "admins"), `provider_token`
// with access_token()): every way a call can be refused, and the ways it must not be.
import { test, expect, type Page } from "@playwright/test";
import { clickLogin, loginWithAuthgear, openHome, signInAtProvider, tabSessions } from "./helpers";

/** Signs in with the local provider (no refresh token: no offline_access) as `user`. */
async function loginLocal(page: Page, user = "alice", password = "wonderland") {
  const popup = await clickLogin(page);
  await signInAtProvider(popup, user, password);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: /^Signed in as / })).toBeVisible();
}

/** Calls `whoami` (or another of the demo's functions) from the page itself, as an attacker's
 *  script or a client without `SessionClient` would: with exactly the session header given (or
 *  none). */
async function callWhoami(page: Page, session?: string, fn = "whoami") {
  return page.evaluate(async ([session, fn]) => {
    const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
    if (session) headers["x-porte-session"] = session;
    const r = await fetch(`/api/${fn}`, { method: "POST", headers, body: "" });
    return { status: r.status, code: r.headers.get("x-porte-error"), body: await r.text() };
  }, [session, fn] as const);
}

test("signed out: the protected function answers 401 not_signed_in, shown as a sentence", async ({ page }) => {
  await openHome(page);
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/whoami"));
  await page.getByRole("button", { name: "Who am I?" }).click();
  expect((await answered).status()).toBe(401);
  await expect(page.locator('[data-field="whoami-error"]')).toHaveText("not_signed_in: Sign in first.");
});

test("signed in: the server names the user; a call without Porte's client fails closed", async ({ page }) => {
  await openHome(page);
  await loginLocal(page);
  await page.getByRole("button", { name: "Who am I?" }).click();
  await expect(page.locator('[data-field="whoami"]')).toHaveText(
    "You are Alice Liddell (user-alice at local); groups: readers, admins",
  );
  // The same function called without the session header (a function that forgot the client).
  const bare = await callWhoami(page);
  expect(bare.status).toBe(401);
  expect(bare.code).toBe("not_signed_in");
});

test("another browser's token is refused with invalid_session", async ({ page, browser }) => {
  await openHome(page);
  await loginLocal(page);
  const token = (await tabSessions(page)).local;
  const own = await callWhoami(page, `local=${token}`);
  expect(own.status).toBe(200);

  const thief = await browser.newContext();
  const other = await thief.newPage();
  await openHome(other);
  const stolen = await callWhoami(other, `local=${token}`);
  expect(stolen.status).toBe(401);
  expect(stolen.code).toBe("invalid_session");
  expect(JSON.parse(stolen.body).error).toBe("invalid_session");
  expect(stolen.body).not.toContain("Alice");
  await thief.close();
});

test("a tampered token, or one naming another provider, is refused with invalid_session", async ({ page }) => {
  await openHome(page);
  await loginLocal(page);
  const token = (await tabSessions(page)).local;
  const tampered = token.slice(0, -3) + (token.at(-3) === "A" ? "B" : "A") + token.slice(-2);
  for (const header of [`local=${tampered}`, `github=${token}`]) {
    const r = await callWhoami(page, header);
    expect(r.status, header).toBe(401);
    expect(r.code, header).toBe("invalid_session");
  }
  // A key this server does not know (yet: a rotation half deployed) is retryable, not final.
  const unknown = await callWhoami(page, `local=p1.00000000.${"A".repeat(60)}`);
  expect([unknown.status, unknown.code]).toEqual([503, "session_key_unknown"]);
});

test("an expired access token without a refresh token: the session lives on, only the provider's token is stale", async ({ page }) => {
  // The issue-17 case: scopes without offline_access, 5 s access tokens. The session used to
  // end at its first protected call after one token lifetime ("invalid_grant").
  await openHome(page);
  await loginLocal(page);
  const token = (await tabSessions(page)).local;
  // Wait until the server says the provider's token expired (it lives 5 s in this run).
  await expect
    .poll(async () => (await callWhoami(page, `local=${token}`, "provider_token")).code, { timeout: 15_000 })
    .toBe("token_expired");
  await page.getByRole("button", { name: "Provider token" }).click();
  await expect(page.locator('[data-field="provider-token-error"]')).toContainText("no refresh token");
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/whoami"));
  await page.getByRole("button", { name: "Who am I?" }).click();
  expect((await answered).status()).toBe(200);
  await expect(page.locator('[data-field="whoami"]')).toContainText("You are Alice Liddell");
  await expect(page.getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  expect((await tabSessions(page)).local).toBe(token);
});

test("an expired access token with a refresh token is refreshed and the call goes through", async ({ page }) => {
  await page.clock.install();
  await openHome(page);
  await loginWithAuthgear(page, false);
  // Stop this page's clock: no timer fires, so the leader does not refresh ahead of expiry and
  // the page believes the token is still fresh; the server's clock goes on.
  await page.clock.pauseAt(await page.evaluate(() => Date.now() + 50));
  const token = (await tabSessions(page)).authgear;
  await expect
    .poll(async () => (await callWhoami(page, `authgear=${token}`, "provider_token")).code, { timeout: 15_000 })
    .toBe("token_expired");
  const statuses: number[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith("/api/provider_token")) statuses.push(r.status());
  });
  await page.getByRole("button", { name: "Provider token" }).click();
  await expect(page.locator('[data-field="provider-token"]')).toHaveText("The Authgear token is fresh.");
  // Refused once as expired, refreshed through the leader, sent again.
  expect(statuses).toEqual([401, 200]);
  expect((await tabSessions(page)).authgear).not.toBe(token);
});

test("groups: alice (admins) reads the admin report and /admin; bob is refused 403 forbidden", async ({ page, browser }) => {
  await openHome(page);
  await loginLocal(page);
  await page.getByRole("button", { name: "Admin report" }).click();
  await expect(page.locator('[data-field="admin-report"]')).toHaveText("Alice Liddell admins report: all systems nominal.");
  await page.getByRole("link", { name: "Admin" }).click();
  await expect(page.getByRole("heading", { name: "Admin" })).toBeVisible();
  await expect(page.locator('[data-field="admin-report"]')).toBeVisible();

  const bobs = await browser.newContext();
  const bob = await bobs.newPage();
  await openHome(bob);
  await loginLocal(bob, "bob", "builder");
  const answered = bob.waitForResponse((r) => r.url().endsWith("/api/admin_report"));
  await bob.getByRole("button", { name: "Admin report" }).click();
  const response = await answered;
  expect(response.status()).toBe(403);
  expect(response.headers()["x-porte-error"]).toBe("forbidden");
  await expect(bob.locator('[data-field="admin-error"]')).toHaveText("forbidden: This needs membership of the group admins.");
  // The guarded route sends bob home.
  await bob.goto("/admin");
  await expect(bob).toHaveURL(/\/$/);
  await expect(bob.getByRole("heading", { name: "Admin" })).toHaveCount(0);
  await bobs.close();
});

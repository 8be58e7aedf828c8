// Attacks on the redirect endpoint: a replayed callback and a response from the wrong issuer.
import { test, expect, type BrowserContext } from "@playwright/test";
import { clickLogin, openHome, signInAtProvider } from "./helpers";

/** Records the URLs of requests matching `pattern` made anywhere in the browser context. */
function record(context: BrowserContext, pattern: RegExp): string[] {
  const urls: string[] = [];
  context.on("request", (r) => {
    if (pattern.test(r.url())) urls.push(r.url());
  });
  return urls;
}

test("a callback URL replayed after the login completed is refused (state is single use)", async ({ page, context }) => {
  const callbacks = record(context, /\/api\/oauth\/redirect\?/);
  await openHome(page);
  const popup = await clickLogin(page);
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  expect(callbacks).toHaveLength(1);
  expect(new URL(callbacks[0]).searchParams.get("code")).toBeTruthy();

  const replay = await context.newPage();
  await replay.goto(callbacks[0]);
  await expect(replay.getByRole("heading", { name: "Sign-in failed" })).toBeVisible();
  await expect(replay.getByRole("status")).toContainText("invalid_state");
});

for (const [name, iss] of [
  ["another issuer's iss", "http://127.0.0.1:4999"],
  // Mix-up (RFC 9207): Google (emulated) is configured on the same server; its response must
  // not complete a login started with the local provider.
  ["the other configured provider's (Google's) iss", "http://127.0.0.1:4022"],
  ["no iss although discovery promises one", null],
] as const) {
  test(`an authorization response with ${name} is rejected before the code is used`, async ({ page, context }) => {
    const authorizations = record(context, /^http:\/\/127\.0\.0\.1:4010\/auth\?/);
    await openHome(page);
    await clickLogin(page);
    await expect.poll(() => authorizations.length).toBe(1);
    const state = new URL(authorizations[0]).searchParams.get("state")!;

    const forged = new URLSearchParams({ code: "forged-code", state });
    if (iss) forged.set("iss", iss);
    const attacker = await context.newPage();
    await attacker.goto(`/api/oauth/redirect?${forged}`);
    await expect(attacker.getByRole("status")).toContainText("issuer_mismatch");
    // The page that started the login learns of the failure too.
    await expect(page.getByRole("alert").locator(".porte-error-code")).toHaveText("issuer_mismatch");
  });
}

test("a callback whose state is not this browser's pending login is refused, and the login it names stays pending", async ({ page, context }) => {
  const authorizations = record(context, /^http:\/\/127\.0\.0\.1:4010\/auth\?/);
  await openHome(page);
  await page.getByLabel("Remember me").check();
  await clickLogin(page);
  await expect.poll(() => authorizations.length).toBe(1);
  const attacker = await context.newPage();
  await attacker.goto(`/api/oauth/redirect?${new URLSearchParams({ code: "stolen", state: "not-the-pending-state" })}`);
  await expect(attacker.getByRole("status")).toContainText("invalid_state");
  // Nothing signed in or stored; the real login is still waiting for its own callback.
  await expect(page.getByRole("button", { name: "Cancel" })).toBeVisible();
  await expect(page.locator("section.signed-in")).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem("porte.sessions") ?? "")).toBe("");
});

test("the logged-out return cannot be turned into an open redirect", async ({ request }) => {
  for (const query of [
    "state=forged&post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F",
    "returnTo=https%3A%2F%2Fevil.example%2F",
    "",
  ]) {
    const r = await request.get(`/api/oauth/logged-out?${query}`, { maxRedirects: 0 });
    expect(r.status(), query).toBe(400);
    expect(r.headers()["location"], query).toBeUndefined();
    expect(await r.text(), query).toContain("Signed out here");
  }
});

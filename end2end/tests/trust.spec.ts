// Authorization apps can trust (issue 17), attacked through real browsers: a stranger's Entra
// tenant with a group named like the app's, a member removed at the provider, a login planted
// by cookie tossing, a logout while Redis is down, and a key rotated while a user is signing in
// (a sign-in without a refresh token outliving its access token: protected.spec.ts). The same
// rules in process: porte/src/server/trust/.
import { readLoginStart } from "../porte-wire.mjs";
import { test, expect, type Page } from "@playwright/test";
import { appSecret, emulatedProvidersEnv } from "../app-env.mjs";
import { card, clickLogin, clickLoginWith, continueAs, openHome, signInAtProvider, tabSessions } from "./helpers";
import { Instance } from "./instances";
import { Redis } from "./redis";

const origin = "http://127.0.0.1:3005";
const instances: Instance[] = [];
const redises: Redis[] = [];
const start = async (port: number, env: Record<string, string> = {}) => {
  const i = await Instance.start(port, origin, { ...emulatedProvidersEnv(), ...env });
  instances.push(i);
  return i;
};
test.afterEach(async () => {
  await Promise.all(instances.splice(0).map((i) => i.stop()));
  await Promise.all(redises.splice(0).map((r) => r.stop()));
});

// The Entra emulator's tenants and alice's "Admins" group (end2end/emulators/users.mjs).
const TENANT = "4ae1c4b5-0f0e-4d1a-9b3f-5e7a2c9d0a11";
const ADMINS = `${TENANT}/7b1d2c3e-0001-4a5b-8c6d-111111111111`;

async function open(page: Page, url = "/") {
  await page.goto(url);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Clicks "Admin report" and returns the status of the call. */
async function adminReport(page: Page): Promise<number> {
  const answered = page.waitForResponse((r) => r.url().endsWith("/api/admin_report"));
  await page.getByRole("button", { name: "Admin report" }).click();
  return (await answered).status();
}

/** `whoami` with exactly this session and binding cookie, from outside any browser. */
async function replay(port: number, session: string, cookie: string) {
  const r = await fetch(`http://127.0.0.1:${port}/api/whoami`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-porte-session": session, cookie },
    body: "",
  });
  return { status: r.status, code: r.headers.get("x-porte-error") };
}

/** The browser's binding cookie for `at`, as a `Cookie` header. */
async function bindCookie(page: Page, at = origin) {
  const c = (await page.context().cookies(at)).find((c) => c.name === "porte_bind")!;
  return `porte_bind=${c.value}`;
}

async function loginMicrosoft(page: Page, user: string) {
  const popup = await clickLoginWith(page, "Microsoft");
  await continueAs(popup, user);
}

test.describe("groups", () => {
  test.use({ baseURL: origin });

  test("a stranger's Entra tenant with a group named admins grants nothing; the app's own group does", async ({ page, browser }) => {
    // The app authorizes on its tenant's Admins group by object id (the demo's DEMO_ADMIN_GROUP).
    const env = { AZURE_GROUPS: ADMINS, DEMO_ADMIN_GROUP: `azure:${ADMINS}` };
    await start(3005, env);
    await open(page);
    await loginMicrosoft(page, "mallory");
    await expect(card(page, "azure").getByRole("heading", { name: "Signed in as Mallory Stranger" })).toBeVisible();
    expect(await adminReport(page)).toBe(403);
    await expect(page.locator('[data-field="admin-error"]')).toHaveText(`forbidden: This needs membership of the group ${ADMINS}.`);
    // Her own "admins" group and directory role are not the app's: nothing is kept.
    await expect(card(page, "azure").locator('[data-field="groups"] .chip')).toHaveCount(0);

    const other = await browser.newContext({ baseURL: origin });
    const alice = await other.newPage();
    await open(alice);
    await loginMicrosoft(alice, "alice");
    expect(await adminReport(alice)).toBe(200);
    await expect(card(alice, "azure").locator('[data-field="groups"] .chip')).toHaveText(["Admins"]);
    await other.close();

    // Pinned to the app's tenant, the stranger cannot even sign in.
    await instances.splice(0)[0].stop();
    await start(3005, { ...env, AZURE_ALLOWED_TENANTS: TENANT });
    const third = await browser.newContext({ baseURL: origin });
    const again = await third.newPage();
    await open(again);
    await loginMicrosoft(again, "mallory");
    await expect(again.getByRole("alert").locator(".porte-error-code")).toHaveText("access_denied");
    await expect(card(again, "azure")).toHaveCount(0);
    await third.close();
  });

  test("a member removed from admins at the provider loses the admin report at the next refresh", async ({ page }) => {
    // The local provider with refresh tokens (offline_access); its access tokens live 5 s.
    await start(3005, { OIDC_LOCAL_SCOPES: "openid profile email groups offline_access" });
    const setGroups = (groups: string[]) =>
      fetch("http://127.0.0.1:4010/_test/users/alice/groups", { method: "PUT", body: JSON.stringify(groups) });
    await open(page);
    const popup = await clickLogin(page);
    await signInAtProvider(popup);
    await popup.getByRole("button", { name: "Allow" }).click();
    await expect(card(page, "local")).toBeVisible();
    expect(await adminReport(page)).toBe(200);
    try {
      expect((await setGroups(["readers"])).status).toBe(204);
      // The tab refreshes the 5 s token every few seconds; the refresh reads the groups again.
      await expect.poll(() => adminReport(page), { timeout: 20_000 }).toBe(403);
      await expect(card(page, "local").locator('[data-field="groups"] .chip')).toHaveText(["readers"]);
    } finally {
      await setGroups(["readers", "admins"]);
    }
  });
});

test("login CSRF by cookie tossing: a flow cookie planted in another browser finishes nothing", async ({ page, browser, context }) => {
  // The attacker starts a login in their own browser and approves it as bob at the provider,
  // but keeps the callback (with its code) instead of following it.
  await openHome(page);
  const started = await page.request.post("/api/porte/start_login", {
    data: { request: { provider: "github", scope: [], fetch_user: true, complete_page_html: null, return_to: null } },
  });
  const authorize = new URL(readLoginStart(await started.body()).authorization_url);
  const approved = await page.request.post(authorize.href, {
    form: { user: "bob", ...Object.fromEntries(authorize.searchParams) },
    maxRedirects: 0,
  });
  const callback = approved.headers()["location"];
  expect(callback).toContain("code=");
  const flow = (await context.cookies("http://127.0.0.1:3000/api/oauth/redirect")).find((c) => c.name.startsWith("porte_flow_"));
  expect(flow).toBeTruthy();

  // A sibling subdomain plants that cookie in the victim's browser (Playwright sets it here),
  // and the victim is sent to the callback.
  const victim = await browser.newContext();
  const app = await victim.newPage();
  await openHome(app);
  await victim.addCookies([flow!]);
  const tab = await victim.newPage();
  await tab.goto(callback);
  await expect(tab.getByRole("heading", { name: "Sign-in failed" })).toBeVisible();
  await expect(tab.getByRole("status")).toContainText("invalid_state");
  await app.reload();
  await expect(app.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(card(app, "github")).toHaveCount(0);
  await expect(app.getByText("Signed in as bob")).toHaveCount(0);
  await victim.close();
});

test.describe("instances", () => {
  test.use({ baseURL: origin });

  test("logout with Redis down says it is incomplete, and the end sticks on every instance once Redis is back", async ({ page }) => {
    const redis = await Redis.start();
    redises.push(redis);
    await start(3005, { PORTE_REDIS_URL: redis.url });
    await start(3006, { PORTE_REDIS_URL: redis.url });
    await open(page);
    const popup = await clickLoginWith(page, "GitHub");
    await continueAs(popup, "alice");
    await expect(card(page, "github")).toBeVisible();
    const session = `github=${(await tabSessions(page)).github}`;
    const cookie = await bindCookie(page);
    expect(await replay(3006, session, cookie)).toEqual({ status: 200, code: null });

    await redis.stop();
    await card(page, "github").getByRole("button", { name: "Logout", exact: true }).click();
    // Signed out here, and told that the other servers do not know yet.
    await expect(card(page, "github")).toHaveCount(0);
    await expect(page.getByRole("alert").locator(".porte-error-code")).toHaveText("logout_incomplete");
    await expect(page.getByRole("alert")).toContainText("could not be told yet");

    await redis.resume();
    // The page presents the logout again until it is recorded; then the copy opens nowhere.
    await expect.poll(() => replay(3006, session, cookie), { timeout: 20_000 }).toEqual({ status: 401, code: "session_ended" });
    expect(await replay(3005, session, cookie)).toEqual({ status: 401, code: "session_ended" });
    await expect(page.getByRole("alert")).toHaveCount(0);
  });

  test("a key rotated across two instances while the user is at the provider: the login completes, and a lagging instance asks to retry", async ({ page }) => {
    const rotated = "rotated-e2e-secret-0123456789abcdefghij";
    const before = await start(3005);
    await open(page);
    const popup = await clickLoginWith(page, "GitHub");
    await expect(popup.getByRole("button", { name: "Continue as alice" })).toBeVisible();
    // The switch is deployed while the user is at the provider: the new key seals, the old
    // one (which sealed this login's flow cookie) still opens.
    await before.stop();
    await start(3005, { PORTE_SECRET_KEY: rotated, PORTE_PREVIOUS_SECRET_KEYS: appSecret });
    await continueAs(popup, "alice");
    await expect(card(page, "github").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
    const session = `github=${(await tabSessions(page)).github}`;
    const cookie = await bindCookie(page);
    // An instance that missed the first phase (it does not know the new key yet): retryable.
    const lagging = await start(3006);
    expect(await replay(3006, session, cookie)).toEqual({ status: 503, code: "session_key_unknown" });
    // Given the new key as its next one (phase 1), it opens the session.
    await lagging.stop();
    await start(3006, { PORTE_NEXT_SECRET_KEY: rotated });
    expect(await replay(3006, session, cookie)).toEqual({ status: 200, code: null });
  });
});

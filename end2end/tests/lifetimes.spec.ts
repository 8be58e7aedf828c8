// Every session ends on its own (absolute and idle lifetimes), and a logout is final everywhere
// the app runs: two instances share Redis (Debian's redis-server, started here on a free port),
// and the same replay against an instance with only its in-memory store shows why that is needed.
import { test, expect, type Page } from "@playwright/test";
import { emulatedProvidersEnv } from "../app-env.mjs";
import { card, clickLogin, clickLoginWith, continueAs, signInAtProvider, tabSessions } from "./helpers";
import { Instance } from "./instances";
import { Redis } from "./redis";

const origin = "http://127.0.0.1:3005";
const instances: Instance[] = [];
const redises: Redis[] = [];
const start = async (port: number, env: Record<string, string>) => {
  const i = await Instance.start(port, origin, { ...emulatedProvidersEnv(), ...env });
  instances.push(i);
  return i;
};
const redis = async () => {
  const r = await Redis.start();
  redises.push(r);
  return r;
};

test.use({ baseURL: origin });
test.afterEach(async () => {
  await Promise.all(instances.splice(0).map((i) => i.stop()));
  await Promise.all(redises.splice(0).map((r) => r.stop()));
});

async function open(page: Page) {
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Signs in with the emulated GitHub (its OAuth App tokens never expire: only Porte's own
 *  lifetimes end these sessions). */
async function loginGitHub(page: Page) {
  const popup = await clickLoginWith(page, "GitHub");
  await continueAs(popup, "alice");
  await expect(card(page, "github")).toBeVisible();
}

/** `whoami` with exactly this session and binding cookie, from outside any browser. */
async function replay(port: number, session: string, bindCookie: string) {
  const r = await fetch(`http://127.0.0.1:${port}/api/whoami`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-porte-session": session, cookie: bindCookie },
    body: "",
  });
  return { status: r.status, code: r.headers.get("x-porte-error") };
}

/** The browser's current binding cookie, as a `Cookie` header. */
async function bindCookie(page: Page) {
  const c = (await page.context().cookies(origin)).find((c) => c.name === "porte_bind")!;
  return `porte_bind=${c.value}`;
}

test("absolute lifetime of 5 s: the session ends by itself in both tabs with session_expired", async ({ page, context }) => {
  await start(3005, { PORTE_SESSION_MAX_AGE_SECS: "5", PORTE_SESSION_IDLE_SECS: "5" });
  await open(page);
  const popup = await clickLogin(page);
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "local")).toBeVisible();
  const token = (await tabSessions(page)).local;
  const cookie = await bindCookie(page);
  const other = await context.newPage();
  await open(other);
  await expect(card(other, "local")).toBeVisible();

  for (const tab of [page, other]) {
    await expect(tab.getByRole("alert").locator(".porte-error-code")).toHaveText("session_expired", { timeout: 15_000 });
    await expect(card(tab, "local")).toHaveCount(0);
  }
  expect(await tabSessions(page)).toEqual({});
  // And the server refuses it, whatever the browser does.
  expect(await replay(3005, `local=${token}`, cookie)).toEqual({ status: 401, code: "session_expired" });
});

test("idle lifetime of 4 s: a session nobody uses ends; one in use lives past it", async ({ page, browser }) => {
  await start(3005, { PORTE_SESSION_MAX_AGE_SECS: "600", PORTE_SESSION_IDLE_SECS: "4" });
  // In use: the app calls the server every 1.5 s for 9 s (twice the idle lifetime).
  await open(page);
  await loginGitHub(page);
  const since = Date.now();
  while (Date.now() - since < 9_000) {
    const answered = page.waitForResponse((r) => r.url().endsWith("/api/whoami"));
    await page.getByRole("button", { name: "Who am I?" }).click();
    expect((await answered).status()).toBe(200);
    // Time passing is the scenario (a user who keeps working), not a wait for the app.
    await page.waitForTimeout(1_500);
  }
  await expect(card(page, "github")).toBeVisible();
  await expect(page.getByRole("alert")).toHaveCount(0);

  // Unused: another browser signs in and does nothing.
  const idle = await browser.newContext({ baseURL: origin });
  const lazy = await idle.newPage();
  await open(lazy);
  await loginGitHub(lazy);
  const token = (await tabSessions(lazy)).github;
  const cookie = await bindCookie(lazy);
  await expect(lazy.getByRole("alert").locator(".porte-error-code")).toHaveText("session_expired", { timeout: 15_000 });
  await expect(card(lazy, "github")).toHaveCount(0);
  expect(await replay(3005, `github=${token}`, cookie)).toEqual({ status: 401, code: "session_expired" });
  await idle.close();
});

for (const store of ["redis", "memory"] as const) {
  test(`logout through one instance, the token replayed against another (${store} store)`, async ({ page }) => {
    const env: Record<string, string> = {};
    if (store === "redis") env.PORTE_REDIS_URL = (await redis()).url;
    await start(3005, env);
    await start(3006, env);
    await open(page);
    await loginGitHub(page);
    const session = `github=${(await tabSessions(page)).github}`;
    const cookie = await bindCookie(page);
    expect(await replay(3006, session, cookie)).toEqual({ status: 200, code: null });

    const ended = page.waitForResponse((r) => r.url().endsWith("/api/porte/end_session"));
    await card(page, "github").getByRole("button", { name: "Logout", exact: true }).click();
    expect((await ended).status()).toBe(200);
    // The instance that handled the logout refuses the copy either way.
    expect(await replay(3005, session, cookie)).toEqual({ status: 401, code: "session_ended" });
    const onB = await replay(3006, session, cookie);
    if (store === "redis") {
      expect(onB).toEqual({ status: 401, code: "session_ended" });
    } else {
      // An in-memory store is per process: B never heard of the logout. This is why a fleet
      // needs PORTE_REDIS_URL.
      expect(onB).toEqual({ status: 200, code: null });
    }
  });
}

test("Redis down: protected calls fail closed, new sign-ins work; Redis back: no restart needed", async ({ page }) => {
  const r = await redis();
  await start(3005, { PORTE_REDIS_URL: r.url });
  await open(page);
  await loginGitHub(page);
  await page.getByRole("button", { name: "Who am I?" }).click();
  await expect(page.locator('[data-field="whoami"]')).toContainText("You are");

  await r.stop();
  const refused = page.waitForResponse((x) => x.url().endsWith("/api/whoami"));
  await page.getByRole("button", { name: "Who am I?" }).click();
  const response = await refused;
  expect(response.status()).toBe(503);
  expect(response.headers()["x-porte-error"]).toBe("session_store_unavailable");
  await expect(page.locator('[data-field="whoami-error"]')).toContainText("session_store_unavailable");
  // The session is not thrown away for an outage: it stays in this tab.
  await expect(card(page, "github")).toBeVisible();
  // A new sign-in does not need the store.
  const popup = await clickLogin(page);
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "local")).toBeVisible();

  await r.resume();
  await expect
    .poll(async () => {
      const answered = page.waitForResponse((x) => x.url().endsWith("/api/whoami"));
      await page.getByRole("button", { name: "Who am I?" }).click();
      return (await answered).status();
    }, { timeout: 15_000 })
    .toBe(200);
});

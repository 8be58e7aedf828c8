// Shared steps of the ID-token and provider-fault tests: the app server on port 3002 (see
// faultTestsEnv in app-env.mjs) and the misbehaving OpenID provider emulator
// (emulators/rogue.mjs) that it knows as "Rogue" (and as "Broken", its issuer that only fails).
import { expect, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { card, clickLoginWith, openHome, signInAtProvider, storedSessions } from "./helpers";

/** The app server of these tests. */
export const faultApp = "http://127.0.0.1:3002";
/** The misbehaving provider emulator. */
export const rogue = "http://127.0.0.1:4026";

/** What the emulator counted since its last reset (GET /_emulator/rogue/stats). */
export type RogueStats = {
  mode: string;
  discovery: number;
  brokenDiscovery: number;
  jwks: number;
  authorize: number;
  token: number;
  userinfo: number;
  faults: number;
  hung: number;
  stolen: { requests: number; withAuthorization: number; withClientSecret: number; withCode: number };
};

/** Tells the emulator how to misbehave from now on ("reset": normal again, counters zeroed). */
export async function setRogueMode(request: APIRequestContext, mode: string) {
  const response = await request.post(`${rogue}/_emulator/rogue/mode`, { data: { mode } });
  expect(response.status(), await response.text()).toBe(200);
}

export async function rogueStats(request: APIRequestContext): Promise<RogueStats> {
  return (await request.get(`${rogue}/_emulator/rogue/stats`)).json();
}

/** Records, in the page, when a login button is clicked and when an error code first shows, so
 *  that the time from click to error is measured exactly (not at Playwright's polling steps). */
export async function startClock(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { porteClicked?: number; porteErrorShown?: number };
    document.addEventListener(
      "click",
      (e) => {
        if ((e.target as Element).closest("button.porte-login")) w.porteClicked ??= performance.now();
      },
      true,
    );
    new MutationObserver(() => {
      if (w.porteErrorShown === undefined && document.querySelector(".porte-error-code")) {
        w.porteErrorShown = performance.now();
      }
    }).observe(document.body, { childList: true, subtree: true });
  });
}

/** Milliseconds from the click to the error (after startClock and once the error shows). */
export async function clickToError(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window as unknown as { porteClicked?: number; porteErrorShown?: number };
    return (w.porteErrorShown ?? NaN) - (w.porteClicked ?? NaN);
  });
}

/** The page shows the login's error: this code, and a readable description without internals. */
export async function expectLoginError(page: Page, code: string, options: { timeout?: number; description?: string } = {}) {
  const alert = page.getByRole("alert");
  await expect(alert.locator(".porte-error-code")).toHaveText(code, { timeout: options.timeout });
  const description = alert.locator(".porte-error-description");
  if (options.description !== undefined) await expect(description).toHaveText(options.description);
  else await expect(description).toHaveText(/\w+ \w+/);
  // Addresses, ports and parser messages stay in the server log.
  await expect(description).not.toContainText(/127\.0\.0\.1|:40\d\d|line \d+|column \d+/);
}

/** Nothing got signed in: no card, the provider's button usable again, nothing remembered. */
export async function expectNotSignedIn(page: Page, provider: string, label: string) {
  await expect(card(page, provider)).toHaveCount(0);
  await expect(page.getByText("Signed in as")).toHaveCount(0);
  await expect(page.getByRole("button", { name: `Continue with ${label}` })).toBeEnabled();
  expect(await storedSessions(page)).toEqual({});
}

/** A complete login with the local provider (its real login and consent pages) on `page`. */
export async function loginWithLocal(page: Page) {
  const popup = await clickLoginWith(page, "Local");
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "local").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
}

/** A normal Rogue login in a throw-away browser: afterwards the server's cached discovery and
 *  JWKS of the Rogue provider are fresh (so a new kid is a cache miss, not a first fetch). */
export async function warmRogue(browser: Browser) {
  const context = await browser.newContext({ baseURL: faultApp });
  try {
    const page = await context.newPage();
    await openHome(page);
    await clickLoginWith(page, "Rogue");
    await expect(card(page, "rogue").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  } finally {
    await context.close();
  }
}

/** The same, with the local provider, in its own browser: another user, served meanwhile. */
export async function localLoginElsewhere(browser: Browser) {
  const context = await browser.newContext({ baseURL: faultApp });
  try {
    const page = await context.newPage();
    await openHome(page);
    await loginWithLocal(page);
  } finally {
    await context.close();
  }
}

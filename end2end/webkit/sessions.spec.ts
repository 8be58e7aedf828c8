// Sessions that last and end cleanly, in WebKit (WebKitGTK MiniBrowser over WebDriver; see
// driver.ts): remember me across a reload and a new window, logout in one window ending the
// session in the other, the refresh leader with 5 s access tokens, "Logout everywhere" through
// the provider's end-session page, and a copied session token refused in another browser.
import { By } from "selenium-webdriver";
import {
  alertCode,
  appUrl,
  button,
  card,
  click,
  clickLoginWith,
  count,
  expect,
  heading,
  labelled,
  loginWithAuthgear,
  openHome,
  pageLog,
  rememberSessions,
  storedSessions,
  test,
  textOf,
  sessionView,
  visible,
  waitHydrated,
} from "./driver";

const anyAlert = By.css('[role="alert"]');

test("remember me survives a reload and a new window", async ({ driver }) => {
  await openHome(driver);
  await loginWithAuthgear(driver);
  expect(Object.keys(await storedSessions(driver))).toEqual(["authgear"]);

  await driver.navigate().refresh();
  await waitHydrated(driver);
  await visible(driver, card("authgear"));
  expect(await count(driver, anyAlert)).toBe(0);

  // A new window after the first one closed: no other tab can hand it the session, so it comes
  // from local storage.
  const first = await driver.getWindowHandle();
  await driver.switchTo().newWindow("window");
  const second = await driver.getWindowHandle();
  await driver.switchTo().window(first);
  await driver.close();
  await driver.switchTo().window(second);
  await openHome(driver);
  await visible(driver, heading("Signed in as Alice Liddell"));
  expect(await count(driver, anyAlert)).toBe(0);
});

test("two windows: a login shows in both, and logout in one ends the session in the other", async ({ driver }) => {
  await openHome(driver);
  const first = await driver.getWindowHandle();
  await driver.switchTo().newWindow("window");
  const second = await driver.getWindowHandle();
  await openHome(driver);

  await driver.switchTo().window(first);
  await loginWithAuthgear(driver, false);
  await driver.switchTo().window(second);
  await visible(driver, card("authgear"));

  await click(driver, button("Logout"));
  await expect.poll(() => count(driver, card("authgear"))).toBe(0);
  await driver.switchTo().window(first);
  await expect.poll(() => count(driver, card("authgear"))).toBe(0);
  await visible(driver, button("Continue with Authgear"));
});

test("refresh leader: two windows, 5-second access tokens, 32 s: refreshed, no logout, no invalid_grant", async ({ driver }) => {
  test.setTimeout(90_000);
  await openHome(driver);
  const first = await driver.getWindowHandle();
  await loginWithAuthgear(driver);
  await driver.switchTo().newWindow("window");
  const second = await driver.getWindowHandle();
  await openHome(driver);
  await visible(driver, card("authgear"));
  const windows = [first, second];
  // WebKitGTK 2.50 has Web Locks: the lead is the lock's, not the heartbeat fallback's.
  expect(await driver.executeScript("return typeof navigator.locks?.request")).toBe("function");

  // Watch both windows for 32 s: each look proves both are still signed in without an error.
  const seen = new Set<string>();
  const started = Date.now();
  while (Date.now() - started < 32_000) {
    for (const w of windows) {
      await driver.switchTo().window(w);
      const view = await sessionView(driver, "authgear");
      expect(view, "signed in, no error").toEqual({ cards: 1, token: expect.any(String), error: null });
      seen.add(view.token!);
    }
    await driver.sleep(500); // pacing of the observation, not a synchronisation
  }

  const logs: string[] = [];
  for (const w of windows) {
    await driver.switchTo().window(w);
    logs.push(...(await pageLog(driver)));
  }
  const refreshes = logs.filter((l) => l.includes("porte: refreshed authgear")).length;
  console.log(`WebKit, 2 windows, 32 s: ${refreshes} refreshes, ${seen.size} tokens seen`);
  expect(logs.filter((l) => /^(warn|error|pageerror) /.test(l) || l.includes("invalid_grant"))).toEqual([]);
  // 5 s tokens refreshed 1.25 s before they expire: about 8 refreshes in 32 s; by one window.
  expect(refreshes).toBeGreaterThanOrEqual(5);
  expect(seen.size).toBeGreaterThanOrEqual(5);
  // Both windows end on the same, newest session.
  await expect
    .poll(async () => {
      const tokens = [];
      for (const w of windows) {
        await driver.switchTo().window(w);
        tokens.push((await sessionView(driver, "authgear")).token);
      }
      return new Set(tokens).size;
    })
    .toBe(1);
});

test("logout everywhere goes through the provider's end-session page, ends the provider session, and the old token never opens again", async ({ driver }) => {
  await openHome(driver);
  await loginWithAuthgear(driver);
  const before = await storedSessions(driver);

  await click(driver, button("Logout everywhere"));
  // The provider's end_session page (RP-initiated logout), then back home through the checked state.
  await click(driver, button("Sign out"));
  await expect.poll(() => driver.getCurrentUrl()).toBe(`${appUrl}/`);
  await waitHydrated(driver);
  expect(await count(driver, card("authgear"))).toBe(0);
  expect(await storedSessions(driver)).toEqual({});

  // The provider session is gone: signing in again asks for the password.
  const { page } = await clickLoginWith(driver, "Authgear");
  await visible(driver, labelled("Username"));
  await driver.close();
  await driver.switchTo().window(page);

  // The old token, put back: this browser has a new binding since the logout, so it never opens.
  await rememberSessions(driver, before);
  await driver.navigate().refresh();
  await waitHydrated(driver);
  await expect.poll(() => textOf(driver, alertCode), { timeout: 15_000 }).toBe("invalid_session");
  expect(await count(driver, card("authgear"))).toBe(0);
  expect(await storedSessions(driver)).toEqual({});
});

test("a session token copied into another, fresh browser is refused there", async ({ driver, browsers }) => {
  await openHome(driver);
  await loginWithAuthgear(driver);
  const stolen = await storedSessions(driver);
  expect(Object.keys(stolen)).toEqual(["authgear"]);

  // A second MiniBrowser: its own cookies (no binding cookie) and storage.
  const thief = await browsers.open();
  // Hydrated first: a page still starting up would find the token itself, refuse it on a page
  // the next line replaces, and leave nothing for that page to report.
  await openHome(thief);
  await rememberSessions(thief, stolen);
  await openHome(thief);
  await expect.poll(() => textOf(thief, alertCode)).toBe("invalid_session");
  expect(await count(thief, card("authgear"))).toBe(0);
  expect(await storedSessions(thief)).toEqual({});

  // The owner's browser still has its session.
  await driver.navigate().refresh();
  await waitHydrated(driver);
  await visible(driver, card("authgear"));
  expect(await count(driver, anyAlert)).toBe(0);
});

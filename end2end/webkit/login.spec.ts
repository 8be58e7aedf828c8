// How a login opens and ends, in WebKit (WebKitGTK MiniBrowser over WebDriver; see driver.ts):
// the popup through the local provider's real login and consent pages, consent denied, the
// popup closed by its user, a blocked popup continuing in the same tab, and a same-tab login.
import { By } from "selenium-webdriver";
import {
  alertCode,
  alertDescription,
  appUrl,
  button,
  card,
  check,
  click,
  clickLoginWith,
  count,
  expect,
  heading,
  labelled,
  openHome,
  pageLog,
  signInAtProvider,
  test,
  textOf,
  uncheck,
  visible,
  waitHydrated,
  windowClosed,
} from "./driver";

test("popup login through the provider's login and consent pages shows the user", async ({ driver }) => {
  await openHome(driver);
  const { page, popup } = await clickLoginWith(driver, "Local");
  await signInAtProvider(driver);
  await click(driver, button("Allow"));

  await driver.switchTo().window(page);
  await visible(driver, heading("Signed in as Alice Liddell"));
  await expect.poll(() => textOf(driver, By.css('[data-field="provider"]'))).toBe("local");
  expect(await textOf(driver, By.css('[data-field="id"]'))).toBe("user-alice");
  expect(await textOf(driver, By.css('[data-field="email"]'))).toBe("alice@example.test (verified)");
  const groups = await driver.findElements(By.css('[data-field="groups"] .chip'));
  expect(await Promise.all(groups.map((g) => g.getText()))).toEqual(["readers", "admins"]);
  // The completion page closed itself (a window opened by script may close itself in WebKit).
  await windowClosed(driver, popup);
  expect((await pageLog(driver)).filter((l) => /^(error|pageerror) /.test(l))).toEqual([]);
});

test("consent denied at the provider shows the provider's error and description", async ({ driver }) => {
  await openHome(driver);
  const { page } = await clickLoginWith(driver, "Local");
  await signInAtProvider(driver);
  await click(driver, button("Deny"));

  await driver.switchTo().window(page);
  await expect.poll(() => textOf(driver, alertCode)).toBe("access_denied");
  expect(await textOf(driver, alertDescription)).toBe("The user denied the request");
  await visible(driver, button("Continue with Local"));
  expect(await (await driver.findElement(button("Continue with Local"))).isEnabled()).toBe(true);
});

test("closing the sign-in window reports popup_closed and the page is ready again", async ({ driver }) => {
  await openHome(driver);
  const { page, popup } = await clickLoginWith(driver, "Local");
  await visible(driver, labelled("Username"));
  // A window that "closes" within 4 s of being sent to the provider is taken as cut off by
  // Cross-Origin-Opener-Policy, not closed by its user. Move the page's clock on 5 s, as the
  // Chromium test does with Playwright's clock, instead of waiting.
  await driver.switchTo().window(page);
  await driver.executeScript("const now = Date.now; Date.now = () => now() + 5000;");
  // The user closes the window.
  await driver.switchTo().window(popup);
  await driver.close();
  await driver.switchTo().window(page);

  await expect.poll(() => textOf(driver, alertCode)).toBe("popup_closed");
  await expect.poll(async () => (await driver.findElement(button("Continue with Local"))).isEnabled()).toBe(true);
});

test("a blocked popup falls back to this tab, says so, and signs in", async ({ driver }) => {
  await openHome(driver);
  const only = await driver.getAllWindowHandles();
  // What a popup blocker does: window.open returns null.
  await driver.executeScript("window.open = () => null;");
  await click(driver, button("Continue with Local"));
  await signInAtProvider(driver);
  await click(driver, button("Allow"));

  await waitHydrated(driver);
  await visible(driver, card("local"));
  await visible(driver, heading("Signed in as Alice Liddell"));
  await expect
    .poll(() => textOf(driver, By.css('[role="status"]')))
    .toMatch(/blocked the sign-in window, so the sign-in continued in this tab/);
  expect(await driver.getAllWindowHandles()).toEqual(only);
  expect(await driver.getCurrentUrl()).toBe(`${appUrl}/`);
});

test("a blocked popup is reported as popup_blocked when the fall-back is off", async ({ driver }) => {
  await openHome(driver);
  await driver.executeScript("window.open = () => null;");
  await uncheck(driver, "Use this tab if pop-ups are blocked");
  await click(driver, button("Continue with Local"));
  await expect.poll(() => textOf(driver, alertCode)).toBe("popup_blocked");
  expect(await driver.getCurrentUrl()).toBe(`${appUrl}/`);
});

test("a same-tab login comes back to the page, signed in, with nothing in the URL", async ({ driver }) => {
  await openHome(driver);
  await check(driver, "Same tab");
  await click(driver, button("Continue with Local"));
  await expect.poll(() => driver.getCurrentUrl()).toMatch(/^http:\/\/127\.0\.0\.1:4010\//);
  await signInAtProvider(driver);
  await click(driver, button("Allow"));

  await waitHydrated(driver);
  await visible(driver, heading("Signed in as Alice Liddell"));
  // No code, state or token in the URL, and the result did not stay in the tab's storage.
  expect(await driver.getCurrentUrl()).toBe(`${appUrl}/`);
  expect(await driver.executeScript('return sessionStorage.getItem("porte-completion")')).toBeNull();
  expect(await count(driver, By.css('[role="alert"]'))).toBe(0);
});

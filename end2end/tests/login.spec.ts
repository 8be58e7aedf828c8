// The popup login, end to end: real Chromium, the real server binary, the local OpenID provider's
// real login and consent pages.
import { test, expect } from "@playwright/test";
import { clickLogin, openHome, signInAtProvider } from "./helpers";

test("popup login through the provider's login and consent pages shows the user", async ({ page }) => {
  const errors = await openHome(page);
  const popup = await clickLogin(page);
  await expect(page.getByRole("button", { name: "Waiting for Local…" })).toHaveAttribute("aria-busy", "true");
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();

  await expect(page.getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  await expect(page.locator('[data-field="provider"]')).toHaveText("local");
  await expect(page.locator('[data-field="id"]')).toHaveText("user-alice");
  await expect(page.locator('[data-field="username"]')).toHaveText("alice");
  await expect(page.locator('[data-field="email"]')).toHaveText("alice@example.test (verified)");
  await expect(page.locator('[data-field="groups"] .chip')).toHaveText(["readers", "admins"]);
  // The completion page closed itself.
  await expect.poll(() => popup.isClosed()).toBe(true);
  expect(errors).toEqual([]);
});

test("a finished popup login leaves no timer behind, even where timer handles exceed 32 bits", async ({ page }) => {
  // Playwright's clock hands out handles from 10^12: a handle cut to an i32 cleared nothing, and
  // the window watch's poll fired after its closure was freed ("closure invoked … after being
  // dropped").
  await page.clock.install();
  const errors = await openHome(page);
  const popup = await clickLogin(page);
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  // Runs every timer due in the next 2 s and throws the first error one of them raises.
  await page.clock.runFor(2_000);
  expect(errors).toEqual([]);
});

test("logout signs out locally", async ({ page }) => {
  await openHome(page);
  const popup = await clickLogin(page);
  await signInAtProvider(popup, "bob", "builder");
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in as Bob Builder" })).toBeVisible();
  await expect(page.locator('[data-field="email"]')).toHaveText("bob@example.test (not verified)");

  await page.getByRole("button", { name: "Logout", exact: true }).click();
  await expect(page.getByRole("button", { name: "Continue with Local" })).toBeEnabled();
  await expect(page.getByText("Signed in as")).toHaveCount(0);
});

test("consent denied at the provider shows the provider's error and description", async ({ page }) => {
  await openHome(page);
  const popup = await clickLogin(page);
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Deny" }).click();

  const alert = page.getByRole("alert");
  await expect(alert.locator(".porte-error-code")).toHaveText("access_denied");
  await expect(alert.locator(".porte-error-description")).toHaveText("The user denied the request");
  await expect(page.getByRole("button", { name: "Continue with Local" })).toBeEnabled();
  await alert.getByRole("button", { name: "Dismiss" }).click();
  await expect(page.getByRole("alert")).toHaveCount(0);
});

test("a wrong password stays at the provider and nothing is signed in", async ({ page }) => {
  await openHome(page);
  const popup = await clickLogin(page);
  await signInAtProvider(popup, "alice", "not-her-password");
  await expect(popup.getByText("Wrong username or password")).toBeVisible();
  await expect(page.getByText("Signed in as")).toHaveCount(0);
});

test("closing the sign-in window reports popup_closed and the page is ready again", async ({ page }) => {
  // The page's clock runs normally but can jump: a window that "closes" within 4 s of being
  // sent to the provider is taken as cut off by COOP (see the COOP test), not closed by a user.
  await page.clock.install();
  await page.clock.resume();
  await openHome(page);
  const popup = await clickLogin(page);
  await expect(popup.getByLabel("Username")).toBeVisible();
  await page.clock.fastForward(5_000);
  await popup.close();

  await expect(page.getByRole("alert").locator(".porte-error-code")).toHaveText("popup_closed");
  await expect(page.getByRole("button", { name: "Continue with Local" })).toBeEnabled();
});

test("a blocked popup is reported as popup_blocked when the fall-back is off", async ({ page }) => {
  // What a popup blocker does: window.open returns null.
  await page.addInitScript(() => {
    window.open = () => null;
  });
  await openHome(page);
  await page.getByLabel("Use this tab if pop-ups are blocked").uncheck();
  await page.getByRole("button", { name: "Continue with Local" }).click();

  await expect(page.getByRole("alert").locator(".porte-error-code")).toHaveText("popup_blocked");
  await expect(page.getByRole("button", { name: "Continue with Local" })).toBeEnabled();
});

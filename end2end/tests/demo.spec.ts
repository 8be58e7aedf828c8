// The demo app's other paths: the Authgear-style welcome page (any OpenID provider by discovery,
// issuer = bare origin) and a same-tab login.
import { test, expect } from "@playwright/test";
import { card, clickLoginWith, openHome, sameTabLogin, signInAtProvider } from "./helpers";

test("welcome page: Guest before, then Welcome <name> with claims and no token", async ({ page }) => {
  await page.goto("/welcome");
  await expect(page.getByRole("heading", { name: "Welcome Guest" })).toBeVisible();

  await openHome(page);
  const popup = await clickLoginWith(page, "Authgear");
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "authgear")).toBeVisible();

  await page.getByRole("link", { name: "Welcome page" }).click();
  await expect(page.getByRole("heading", { name: "Welcome Alice Liddell!" })).toBeVisible();
  // The claims arrive with their own wasm chunk (`printable`, lazy), after the heading.
  const printed = page.locator('[data-field="claims"]');
  await expect(printed).toContainText('"user"');
  const claims = JSON.parse((await printed.textContent())!);
  expect(claims.user.id).toBe("user-alice");
  expect(claims.token.id_token_claims.iss).toBe("http://127.0.0.1:4010");
  expect(claims.token.has_refresh_token).toBe(true);
  const text = JSON.stringify(claims);
  expect(text).not.toContain("access_token");
  expect(text).not.toContain("sealed");
});

test("same-tab login goes to the provider and comes back signed in, with no token in the URL", async ({ page }) => {
  await openHome(page);
  await sameTabLogin(page);
  expect(new URL(page.url()).pathname).toBe("/");
  expect(page.url()).not.toMatch(/code=|state=|token/);
});

test("new-tab login opens a tab that closes itself and signs in", async ({ page, context }) => {
  await openHome(page);
  await page.getByLabel("New tab").check();
  const tabOpened = context.waitForEvent("page");
  await page.getByRole("button", { name: "Continue with GitHub" }).click();
  const tab = await tabOpened;
  await tab.getByRole("button", { name: "Continue as alice" }).click();
  await expect(card(page, "github").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  await expect.poll(() => tab.isClosed()).toBe(true);
});

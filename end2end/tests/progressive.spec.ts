// Progressive enhancement: the sign-in buttons are a plain server-rendered form, so a click
// before the wasm has loaded (slow network, blocked script) still signs in, in this tab.
import { test, expect } from "@playwright/test";
import { card, signInAtProvider } from "./helpers";

test("before the wasm loads, a sign-in button still starts a same-tab login that completes", async ({ page }) => {
  // The wasm never arrives while the user clicks.
  await page.route(/\/pkg\/.*\.wasm$/, (route) => route.abort());
  await page.goto("/");
  await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");
  await page.getByRole("button", { name: "Continue with Local" }).click();
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:4010\//);
  await signInAtProvider(page);
  // Back at the app the wasm loads again, takes the result and shows the user.
  await page.unroute(/\/pkg\/.*\.wasm$/);
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "local").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/");
  expect(page.url()).not.toMatch(/code=|state=/);
});

test("before the wasm loads, an unknown provider posted to the form comes back as a readable error", async ({ page }) => {
  await page.route(/\/pkg\/.*\.wasm$/, (route) => route.abort());
  await page.goto("/");
  // A stale page: its button names a provider the server no longer has.
  await page.locator('button[name="provider"]').first().evaluate((b) => ((b as HTMLButtonElement).value = "gone"));
  await page.unroute(/\/pkg\/.*\.wasm$/);
  await page.locator('button[name="provider"]').first().click();
  await expect(page.getByRole("alert").locator(".porte-error-code")).toHaveText("unknown_provider");
});

// On a phone-sized screen (Pixel 5 project): the sign-in card fits, and a same-tab login works.
import { test, expect } from "@playwright/test";
import { openHome, sameTabLogin } from "./helpers";

test("the sign-in card fits a phone screen without sideways scrolling", async ({ page }) => {
  await openHome(page);
  await expect(page.getByRole("button", { name: "Continue with Local" })).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("a same-tab login on a phone comes back signed in", async ({ page }) => {
  await openHome(page);
  await sameTabLogin(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

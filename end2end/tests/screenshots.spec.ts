// The README's screenshots, taken by the suite so they stay current (end2end/screenshots/).
import { test, expect } from "@playwright/test";
import path from "node:path";
import { card, clickLogin, here, openHome, signInAtProvider } from "./helpers";

test("screenshots: sign-in, waiting, error, signed in", async ({ page, browserName }, testInfo) => {
  // The README shows Chromium's; other engines take theirs into the test's output folder.
  const shot = (name: string) =>
    browserName === "chromium"
      ? path.join(here, "..", "screenshots", `${name}.png`)
      : testInfo.outputPath(`${name}.png`);
  // The sign-in card itself (the page has other cards, e.g. "Ask the server").
  const signIn = page.locator('section.card[aria-labelledby="login-title"]');
  await page.setViewportSize({ width: 900, height: 900 });
  await openHome(page);
  await signIn.screenshot({ path: shot("sign-in") });

  const popup = await clickLogin(page);
  await expect(page.getByRole("button", { name: "Waiting for Local…" })).toBeVisible();
  await signIn.screenshot({ path: shot("waiting") });
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Deny" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
  await signIn.screenshot({ path: shot("error") });

  const again = await clickLogin(page);
  await again.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "local")).toBeVisible();
  await card(page, "local").screenshot({ path: shot("signed-in") });
});

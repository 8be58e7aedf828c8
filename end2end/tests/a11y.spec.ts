// Accessibility of the main states (axe-core): no serious or critical violation, in light and
// dark colour schemes; and a keyboard-only login.
import { test, expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { card, openHome, signInAtProvider } from "./helpers";

async function seriousViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

for (const colorScheme of ["light", "dark"] as const) {
  test(`sign-in, error and signed-in states have no serious axe violations (${colorScheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    await openHome(page);
    expect(await seriousViolations(page)).toEqual([]);

    // Error state: consent denied.
    let popup = await (async () => {
      const opened = page.waitForEvent("popup");
      await page.getByRole("button", { name: "Continue with Local" }).click();
      return opened;
    })();
    await signInAtProvider(popup);
    await popup.getByRole("button", { name: "Deny" }).click();
    await expect(page.getByRole("alert")).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);

    // Signed in.
    const opened = page.waitForEvent("popup");
    await page.getByRole("button", { name: "Continue with Local" }).click();
    popup = await opened;
    await popup.getByRole("button", { name: "Allow" }).click();
    await expect(card(page, "local")).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  });
}

test("keyboard only: Tab to the button, Enter, sign in, Shift+Tab to Logout, Enter", async ({ page }) => {
  await openHome(page);
  const button = page.getByRole("button", { name: "Continue with Local" });
  for (let i = 0; i < 30 && !(await button.evaluate((b) => b === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(button).toBeFocused();
  const opened = page.waitForEvent("popup");
  await page.keyboard.press("Enter");
  const popup = await opened;
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  const logout = card(page, "local").getByRole("button", { name: "Logout", exact: true });
  await expect(logout).toBeVisible();
  // The button that had focus is gone; the signed-in card is above where it was: Shift+Tab.
  // (Tab runs off the end of the page first: Chromium headless wraps to the top, Firefox moves
  // focus to its own toolbar, where the page no longer has focus.)
  for (let i = 0; i < 30 && !(await logout.evaluate((b) => b === document.activeElement)); i++) {
    await page.keyboard.press("Shift+Tab");
  }
  await expect(logout).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(card(page, "local")).toHaveCount(0);
});

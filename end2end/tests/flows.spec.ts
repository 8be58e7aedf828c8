// How a login opens and ends: blocked popups, a second click, Cancel, open-redirect attempts
// through redirect_to_page, and a redirect with nothing pending.
import { readLoginStart } from "../porte-wire.mjs";
import { test, expect, type Page } from "@playwright/test";
import { card, clickLogin, clickLoginWith, openHome, signInAtProvider } from "./helpers";

test("a blocked popup falls back to this tab, says so, and signs in", async ({ page }) => {
  await page.addInitScript(() => {
    window.open = () => null;
  });
  await openHome(page);
  await page.getByRole("button", { name: "Continue with Local" }).click();
  await signInAtProvider(page);
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "local").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText(/blocked the sign-in window, so the sign-in continued in this tab/);
});

test("a second click while waiting brings the same sign-in window forward", async ({ page, context }) => {
  await openHome(page);
  const popup = await clickLogin(page);
  const waiting = page.getByRole("button", { name: "Waiting for Local…" });
  await expect(waiting).toBeEnabled();
  await expect(page.getByRole("button", { name: "Continue with GitHub" })).toBeDisabled();
  let opened = 0;
  context.on("page", () => opened++);
  await waiting.click();
  await expect(popup.getByLabel("Username")).toBeVisible();
  expect(opened).toBe(0);
  expect(context.pages()).toHaveLength(2);
});

test("Cancel closes the sign-in window and the page is ready again", async ({ page }) => {
  await openHome(page);
  const popup = await clickLogin(page);
  await expect(popup.getByLabel("Username")).toBeVisible();
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect.poll(() => popup.isClosed()).toBe(true);
  await expect(page.getByRole("alert").locator(".porte-error-code")).toHaveText("cancelled");
  await expect(page.getByRole("button", { name: "Continue with Local" })).toBeEnabled();
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);
});

test("the redirect endpoint with nothing pending explains and offers a way back", async ({ page }) => {
  const response = await page.goto("/api/oauth/redirect");
  expect(response!.status()).toBe(200);
  await expect(page.getByRole("heading", { name: "Sign-in failed" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("No sign-in is pending");
  await page.getByRole("link", { name: "return to the app" }).click();
  await expect(page).toHaveURL("http://127.0.0.1:3000/");
});

/** Starts a same-tab login through the server function with `returnTo`, signs in, and
 *  returns where the completion page sent the browser. */
async function landing(page: Page, returnTo: string): Promise<string> {
  await openHome(page);
  const started = await page.request.post("/api/porte/start_login", {
    data: {
      request: {
        provider: "local", scope: [], fetch_user: true, fetch_groups: false,
        complete_page_html: null, return_to: returnTo,
      },
    },
  });
  expect(started.ok()).toBe(true);
  const { authorization_url } = readLoginStart(await started.body());
  await page.goto(authorization_url);
  await signInAtProvider(page);
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  return page.url();
}

test("redirect_to_page: a same-origin path is where the user lands", async ({ page }) => {
  expect(await landing(page, "/welcome?from=login")).toBe("http://127.0.0.1:3000/welcome?from=login");
  await expect(page.getByRole("heading", { name: "Welcome Alice Liddell!" })).toBeVisible();
});

for (const payload of [
  "//evil.example",
  "https://evil.example",
  "/\\evil.example",
  "/%2F%2Fevil.example",
  "%2F%2Fevil.example",
  "/%5Cevil.example",
  "///evil.example",
  // Found by the fuzzer: the dot segment collapsed into "//evil.example" after the checks.
  "/..//evil.example",
  "/\t/evil.example",
  "javascript:alert(1)",
  "http:evil.example",
]) {
  test(`redirect_to_page ${JSON.stringify(payload)} is refused: the user lands on the default page`, async ({ page }) => {
    expect(await landing(page, payload)).toBe("http://127.0.0.1:3000/");
    await expect(card(page, "local")).toBeVisible();
  });
}

test("a provider sending COOP: same-origin cuts the popup off, and the login still completes", async ({ page }) => {
  const log: string[] = [];
  page.on("console", (m) => log.push(m.text()));
  await page.clock.install();
  await page.clock.resume();
  await openHome(page);
  const popup = await clickLoginWith(page, "COOP provider");
  await expect(popup.getByLabel("Username")).toBeVisible();
  // Let the page check the window a few times while the user is "signing in".
  await page.clock.fastForward(2_000);
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "coop").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  // The page did see the window as "closed" (COOP) and kept waiting instead of failing.
  expect(log.some((l) => l.includes("cut off (COOP)"))).toBe(true);
  // Cut off from its opener (and its name reset), the window cannot always close itself: it
  // says how to close it.
  if (!popup.isClosed()) {
    await expect(popup.getByText("If this window stays open, close it")).toBeVisible();
  }
});

test("a custom opener gets the authorization URL (here: shown as a link) and the login completes", async ({ page, context }) => {
  await openHome(page);
  await page.getByLabel("Link (custom opener)").check();
  let opened = 0;
  context.on("page", () => opened++);
  await page.getByRole("button", { name: "Continue with GitHub" }).click();
  expect(opened).toBe(0);
  const tabOpened = context.waitForEvent("page");
  await page.getByRole("link", { name: "Open the sign-in page" }).click();
  const tab = await tabOpened;
  await tab.getByRole("button", { name: "Continue as alice" }).click();
  await expect(card(page, "github").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
});

test("complete_page_html replaces the completion page's message, and its scripts do not run", async ({ page }) => {
  await openHome(page);
  const html = '<h1 id="custom">Thanks from the test</h1><script>document.title = "pwned"</script>';
  const started = await page.request.post("/api/porte/start_login", {
    data: {
      request: {
        provider: "github", scope: [], fetch_user: true, fetch_groups: false,
        complete_page_html: html, return_to: null,
      },
    },
  });
  const { authorization_url } = readLoginStart(await started.body());
  await page.goto(authorization_url);
  await page.getByRole("button", { name: "Continue as alice" }).click();
  await expect(page.locator("#custom")).toHaveText("Thanks from the test");
  await expect(page).not.toHaveTitle("pwned");
  await expect(page.getByText("If this window stays open")).toHaveCount(0);
});

test("the sign-in card fits a 360 px wide phone", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await openHome(page);
  await expect(page.getByRole("button", { name: "Continue with Local" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
});

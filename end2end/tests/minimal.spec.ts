// The minimal example (examples/minimal), which is also the README's "Add Porte to your app":
// its own server binary on :3010, signed in with the local provider in a popup.
import { test, expect, type Page } from "@playwright/test";
import { signInAtProvider } from "./helpers";

const example = "http://127.0.0.1:3010";
test.use({ baseURL: example });

/** Opens the example; the sign-in buttons appear once the wasm has hydrated and found no session. */
async function open(page: Page) {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto("/");
  await expect(page.getByRole("button", { name: "Continue with Local" })).toBeVisible();
  return errors;
}

/** Signs in as alice through the local provider's popup (its login and consent pages). */
async function signInAsAlice(page: Page) {
  const popupOpened = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Continue with Local" }).click();
  const popup = await popupOpened;
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByText("Signed in as Alice Liddell")).toBeVisible();
}

test("signed out, the protected function answers 401 not_signed_in, shown as a sentence", async ({ page }) => {
  const errors = await open(page);
  const answered = page.waitForResponse((r) => r.url().includes("/api/my_profile"));
  await page.getByRole("button", { name: "My profile" }).click();
  const response = await answered;
  expect(response.status()).toBe(401);
  expect(response.headers()["x-porte-error"]).toBe("not_signed_in");
  await expect(page.getByRole("status")).toContainText("not_signed_in: Sign in first.");
  expect(errors).toEqual([]);
});

test("popup login, then the protected function returns alice's own data; logout ends it", async ({ page }) => {
  const errors = await open(page);
  await signInAsAlice(page);

  await page.getByRole("button", { name: "My profile" }).click();
  // The default <LoginButtons/> asks for no groups; the server reads them anyway (they decide
  // authorization, so the page does not get a say).
  await expect(page.getByRole("status")).toHaveText("user-alice <alice@example.test>, groups: readers, admins");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("button", { name: "Continue with Local" })).toBeVisible();
  await expect(page.getByText("Signed in as")).toHaveCount(0);
  await page.getByRole("button", { name: "My profile" }).click();
  await expect(page.getByRole("status")).toContainText("not_signed_in");
  expect(errors).toEqual([]);
});

test("a reload keeps the sign-in without a flash of the signed-out state", async ({ page }) => {
  await open(page);
  await signInAsAlice(page);

  // Record every state the page shows from the first byte of the reloaded document.
  await page.addInitScript(() => {
    const seen: string[] = ((window as any).__porteSeen = []);
    new MutationObserver(() => {
      const text = document.querySelector("main")?.textContent ?? "";
      if (text.includes("Continue with")) seen.push("signed out");
      if (text.includes("Signed in as")) seen.push("signed in");
      if (text.includes("Checking your sign-in")) seen.push("checking");
    }).observe(document, { childList: true, subtree: true, characterData: true });
  });
  const html = await (await page.request.get("/")).text();
  expect(html).toContain("Checking your sign-in");
  expect(html).not.toContain("Continue with");
  await page.reload();
  await expect(page.getByText("Signed in as Alice Liddell")).toBeVisible();
  const seen: string[] = await page.evaluate(() => (window as any).__porteSeen);
  expect(seen).not.toContain("signed out");
});

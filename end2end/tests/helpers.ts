// Shared steps of the end-to-end tests.
import { expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "../..");

/** The local provider's registered client (its secret is what must never reach the browser). */
export const localClient = JSON.parse(
  readFileSync(path.join(root, "end2end/provider/clients.json"), "utf8"),
)[0] as { client_id: string; client_secret: string };

/** Opens the home page and waits until the wasm has hydrated it (handlers exist only then). */
export async function openHome(page: Page): Promise<string[]> {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  return errors;
}

/** Clicks "Login with Local" and returns the popup the click opened. */
export async function clickLogin(page: Page): Promise<Page> {
  const popupOpened = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Login with Local" }).click();
  return popupOpened;
}

/** Signs in on the provider's real login page in the popup. */
export async function signInAtProvider(popup: Page, username = "alice", password = "wonderland") {
  await popup.getByLabel("Username").fill(username);
  await popup.getByLabel("Password").fill(password);
  await popup.getByRole("button", { name: "Sign in" }).click();
}

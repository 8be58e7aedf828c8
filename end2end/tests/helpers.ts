// Shared steps of the end-to-end tests.
import { expect, type Page } from "@playwright/test";
import { parseSessions, sessionsText } from "../porte-wire.mjs";
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

/** Clicks "Continue with Local" and returns the popup the click opened. */
export async function clickLogin(page: Page): Promise<Page> {
  const popupOpened = page.waitForEvent("popup");
  await page.getByRole("button", { name: "Continue with Local" }).click();
  return popupOpened;
}

/** Signs in on the provider's real login page in the popup. */
export async function signInAtProvider(popup: Page, username = "alice", password = "wonderland") {
  await popup.getByLabel("Username").fill(username);
  await popup.getByLabel("Password").fill(password);
  await popup.getByRole("button", { name: "Sign in" }).click();
}

/** Base URLs of the provider emulators (end2end/emulators/). */
export const emulators = {
  github: "http://127.0.0.1:4021",
  google: "http://127.0.0.1:4022",
  azure: "http://127.0.0.1:4023",
  auth0: "http://127.0.0.1:4024",
  linkedin: "http://127.0.0.1:4025",
};

/** Clicks the provider's button and returns the popup it opened. */
export async function clickLoginWith(page: Page, label: string): Promise<Page> {
  const popupOpened = page.waitForEvent("popup");
  await page.getByRole("button", { name: `Continue with ${label}` }).click();
  return popupOpened;
}

/** Picks a user on an emulator's sign-in page. */
export async function continueAs(popup: Page, username: string) {
  await popup.getByRole("button", { name: `Continue as ${username}` }).click();
}

/** The card of one signed-in provider. */
export function card(page: Page, provider: string) {
  return page.locator(`section.signed-in[data-provider="${provider}"]`);
}

/** What the emulator last received at its authorization endpoint. */
export async function lastAuthorize(page: Page, emulator: string): Promise<Record<string, string>> {
  const response = await page.request.get(`${emulator}/_emulator/last-authorize`);
  return response.json();
}

/** Signs in with the Authgear-style provider (the local provider, offline_access: refresh
 *  tokens that rotate and whose reuse revokes the grant), ticking "Remember me" if asked. */
export async function loginWithAuthgear(page: Page, remember = true) {
  if (remember) await page.getByLabel("Remember me").check();
  const popup = await clickLoginWith(page, "Authgear");
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "authgear").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
}

/** The remembered session tokens in local storage. */
export async function storedSessions(page: Page): Promise<Record<string, string>> {
  return parseSessions(await page.evaluate(() => localStorage.getItem("porte.sessions")));
}

/** Puts `sessions` in local storage as Porte keeps them (remembered). */
export async function rememberSessions(page: Page, sessions: Record<string, string>) {
  await page.evaluate((text) => localStorage.setItem("porte.sessions", text), sessionsText(sessions));
}

/** The session tokens kept for this tab only (no "remember me"), in session storage. */
export async function tabSessions(page: Page): Promise<Record<string, string>> {
  return parseSessions(await page.evaluate(() => sessionStorage.getItem("porte.sessions")));
}

/** A same-tab login with the local provider (alice), back on the page signed in. */
export async function sameTabLogin(page: Page) {
  await page.getByLabel("Same tab").check();
  await page.getByRole("button", { name: "Continue with Local" }).click();
  await signInAtProvider(page);
  await page.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "local").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
}

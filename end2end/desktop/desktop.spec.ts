// The desktop example (examples/desktop, Tauri 2) end to end: its window over tauri-driver, the
// sign-in in the "system browser" (Chromium, with its own cookies), the redirect back to the
// app's loopback listener, remember me across a restart of the app, and the refusals.
import { By } from "selenium-webdriver";
import { signInAtProvider } from "../tests/helpers";
import { alertCode, button, click, count, textOf, visible } from "../webkit/driver";
import { expect, test, type Desktop } from "./app";

const signedInAs = (name: string) => By.xpath(`//p[normalize-space(.)="Signed in as ${name}"]`);
const status = By.css('p[role="status"]');
const aliceProfile = "user-alice <alice@example.test>, groups: readers, admins";

/** Clicks "Continue with Local"; returns the sign-in URL the app opened and its redirect URI. */
async function startLogin(desktop: Desktop): Promise<{ url: URL; redirect: URL }> {
  await click(desktop.window, button("Continue with Local"));
  const url = new URL(await desktop.opener.next());
  return { url, redirect: new URL(url.searchParams.get("redirect_uri")!) };
}

test("sign-in in the system browser, a protected call, still signed in after a restart, sign out", async ({ desktop }) => {
  const { url, redirect } = await startLogin(desktop);
  // RFC 8252: the provider's page, a loopback redirect on a port of its own, PKCE, no secret.
  expect(url.origin).toBe("http://127.0.0.1:4010");
  expect(url.searchParams.get("client_id")).toBe("porte-desktop");
  expect(url.searchParams.get("code_challenge_method")).toBe("S256");
  expect(redirect.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(redirect.port).not.toBe("3020");
  expect(redirect.pathname).toBe("/callback");
  // The window waits, and offers Cancel.
  await visible(desktop.window, button("Waiting for Local…"));
  await visible(desktop.window, button("Cancel"));

  const browser = await desktop.browse(url.href);
  await signInAtProvider(browser);
  // Measured, not asserted: from the click on Allow to the window showing the user (the
  // provider's redirect, the code exchange, the user fetch, the held request's answer).
  const shown = desktop.window.executeAsyncScript(`
    const done = arguments[arguments.length - 1];
    const start = performance.now();
    const seen = () => Array.from(document.querySelectorAll("p"))
      .some((p) => p.textContent.trim() === "Signed in as Alice Liddell");
    new MutationObserver((_, o) => { if (seen()) { o.disconnect(); done(performance.now() - start); } })
      .observe(document.body, { subtree: true, childList: true, characterData: true });`);
  await browser.getByRole("button", { name: "Allow" }).click();
  await expect(browser.getByText("You can close this tab and return to the app.")).toBeVisible();
  expect(new URL(browser.url()).origin).toBe(redirect.origin);
  console.log(`desktop: the window showed the user ${Math.round(Number(await shown))} ms after Allow`);
  // The session went to the window, never to the browser tab.
  expect(await browser.content()).not.toMatch(/p[12]\./);

  await visible(desktop.window, signedInAs("Alice Liddell"));
  await click(desktop.window, button("My profile"));
  await expect.poll(() => textOf(desktop.window, status)).toBe(aliceProfile);

  await desktop.restart();
  await visible(desktop.window, signedInAs("Alice Liddell"));
  await click(desktop.window, button("My profile"));
  await expect.poll(() => textOf(desktop.window, status)).toBe(aliceProfile);

  await click(desktop.window, button("Sign out"));
  await visible(desktop.window, button("Continue with Local"));
  await click(desktop.window, button("My profile"));
  await expect.poll(() => textOf(desktop.window, status)).toContain("not_signed_in");
  await desktop.restart();
  await visible(desktop.window, button("Continue with Local"));
  expect(await count(desktop.window, signedInAs("Alice Liddell"))).toBe(0);
  expect(desktop.opener.unread).toBe(0);
});

test("consent denied in the browser: the provider's error shows in the app", async ({ desktop }) => {
  const { url } = await startLogin(desktop);
  const browser = await desktop.browse(url.href);
  await signInAtProvider(browser);
  await browser.getByRole("button", { name: "Deny" }).click();
  await expect(browser.getByText("Return to the app.")).toBeVisible();

  await expect.poll(() => textOf(desktop.window, alertCode)).toBe("access_denied");
  await visible(desktop.window, button("Continue with Local"));
  expect(await count(desktop.window, signedInAs("Alice Liddell"))).toBe(0);
});

test("a forged callback is refused and the login goes on; the browser's favicon request gets nothing", async ({ desktop }) => {
  const { url, redirect } = await startLogin(desktop);
  const forged = await fetch(`${redirect.href}?state=forged&code=stolen`);
  expect(forged.status).toBe(400);
  expect((await fetch(`${redirect.origin}/favicon.ico`)).status).toBe(404);
  await visible(desktop.window, button("Waiting for Local…"));

  const browser = await desktop.browse(url.href);
  await signInAtProvider(browser);
  await browser.getByRole("button", { name: "Allow" }).click();
  await visible(desktop.window, signedInAs("Alice Liddell"));
  // The listener lived only as long as the login.
  await expect
    .poll(() => fetch(`${redirect.href}?state=${url.searchParams.get("state")}&code=again`).then(() => "answered", () => "refused"))
    .toBe("refused");
});

test("Cancel stops waiting and closes the redirect listener", async ({ desktop }) => {
  const { url, redirect } = await startLogin(desktop);
  await click(desktop.window, button("Cancel"));
  await visible(desktop.window, button("Continue with Local"));
  await expect
    .poll(() => fetch(`${redirect.href}?state=${url.searchParams.get("state")}&code=late`).then(() => "answered", () => "refused"))
    .toBe("refused");
});

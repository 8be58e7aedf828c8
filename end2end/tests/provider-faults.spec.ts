// Provider faults, each produced by the misbehaving provider emulator (emulators/rogue.mjs) or by
// an issuer nobody listens on, against the real server binary (the instance on port 3002) in real
// Chromium: the user gets a readable error on the page within the server's provider timeout
// (10 s), and the same server then completes a login with another provider (the local one).
import { test, expect } from "@playwright/test";
import { clickLoginWith, openHome } from "./helpers";
import {
  clickToError, expectLoginError, expectNotSignedIn, faultApp, localLoginElsewhere, loginWithLocal, rogue, rogueStats,
  setRogueMode, startClock, warmRogue,
} from "./rogue";

test.use({ baseURL: faultApp });
test.beforeEach(async ({ request }) => setRogueMode(request, "reset"));
test.afterEach(async ({ request }) => setRogueMode(request, "reset"));

/** The provider timeout of the server (10 s), plus what a loaded 2-core machine may need to show
 *  the error: this proves the timeout ends the wait (Playwright's own would be 30 s), not how fast
 *  a page is — speed is measured by scripts/bench. */
const WITHIN_MS = 14_000;

type Fault = {
  what: string;
  label: string;
  provider: string;
  mode?: string;
  code: string;
  description?: string;
  /** The server's Rogue cache must hold a good JWKS first (the fault is in the refetch). */
  warm?: boolean;
};

const faults: Fault[] = [
  { what: "the provider is down before the login starts (nothing listens)", label: "Down", provider: "down", code: "provider_unavailable" },
  { what: "discovery answers 500", label: "Broken", provider: "broken", mode: "discovery-500", code: "provider_unavailable" },
  { what: "discovery answers malformed JSON", label: "Broken", provider: "broken", mode: "discovery-malformed", code: "provider_unavailable" },
  { what: "the provider goes down mid-login (token request's connection dropped)", label: "Rogue", provider: "rogue", mode: "token-close", code: "token_exchange_failed" },
  { what: "the token endpoint answers 500", label: "Rogue", provider: "rogue", mode: "token-500", code: "token_exchange_failed" },
  { what: "the token endpoint answers malformed JSON", label: "Rogue", provider: "rogue", mode: "token-malformed-json", code: "token_exchange_failed" },
  {
    what: "the token endpoint answers an error body with status 200",
    label: "Rogue",
    provider: "rogue",
    mode: "token-200-error",
    code: "invalid_grant",
    description: "The authorization code has expired or was already used.",
  },
  { what: "the JWKS fetched for a new kid is malformed", label: "Rogue", provider: "rogue", mode: "jwks-malformed", code: "provider_unavailable", warm: true },
  { what: "the JWKS fetched for a new kid is empty", label: "Rogue", provider: "rogue", mode: "jwks-empty", code: "provider_unavailable", warm: true },
];

for (const f of faults) {
  test(`${f.what}: readable error, then the server still serves a local login`, async ({ page, request, browser }) => {
    if (f.warm) await warmRogue(browser);
    if (f.mode) await setRogueMode(request, f.mode);
    await openHome(page);
    await startClock(page);
    await clickLoginWith(page, f.label);

    await expectLoginError(page, f.code, { description: f.description });
    expect(await clickToError(page)).toBeLessThanOrEqual(WITHIN_MS);
    await expectNotSignedIn(page, f.provider, f.label);
    if (f.mode) expect((await rogueStats(request)).faults).toBeGreaterThanOrEqual(1);

    await loginWithLocal(page);
  });
}

for (const hang of [
  { what: "discovery never answers", label: "Broken", provider: "broken", mode: "discovery-hang" },
  { what: "the token endpoint never answers", label: "Rogue", provider: "rogue", mode: "token-hang" },
]) {
  test(`${hang.what}: provider_timeout within the timeout, and others are served meanwhile`, async ({ page, request, browser }) => {
    test.setTimeout(60_000);
    await setRogueMode(request, hang.mode);
    await openHome(page);
    await startClock(page);
    await clickLoginWith(page, hang.label);
    // The server's request is now held open by the provider...
    await expect.poll(async () => (await rogueStats(request)).hung).toBe(1);
    // ...while another user signs in with another provider on the same server.
    await localLoginElsewhere(browser);
    await expect(page.getByRole("button", { name: `Waiting for ${hang.label}…` })).toHaveAttribute("aria-busy", "true");

    await expectLoginError(page, "provider_timeout", { timeout: 15_000 });
    const elapsed = await clickToError(page);
    test.info().annotations.push({ type: "click to error (ms)", description: String(Math.round(elapsed)) });
    expect(elapsed).toBeLessThanOrEqual(WITHIN_MS);
    await expectNotSignedIn(page, hang.provider, hang.label);
    await loginWithLocal(page);
  });
}

test("a 307 from the token endpoint is not followed: the client secret is not resent", async ({ page, request }) => {
  await setRogueMode(request, "token-307");
  await openHome(page);
  await clickLoginWith(page, "Rogue");

  await expectLoginError(page, "token_exchange_failed");
  await expectNotSignedIn(page, "rogue", "Rogue");
  const stats = await rogueStats(request);
  // The token request was made, with the client's credentials, and answered 307...
  expect(stats.token).toBe(1);
  expect(stats.faults).toBe(1);
  const sent = await (await request.get(`${rogue}/_emulator/last-token-request`)).json();
  expect(sent.client_auth).toBe("basic");
  // ...and nothing at all arrived where it pointed.
  expect(stats.stolen).toEqual({ requests: 0, withAuthorization: 0, withClientSecret: 0, withCode: 0 });

  await loginWithLocal(page);
});


// ID-token attacks, each performed by a provider that misbehaves on purpose (emulators/rogue.mjs)
// against the real server binary (the instance on port 3002) in real Chromium, and shown to fail:
// the page reports the error, nothing is signed in and nothing is remembered. Plus the positive
// case: key rotation (a new kid in the JWKS) is fetched once and the login succeeds.
import { test, expect } from "@playwright/test";
import { card, clickLoginWith, openHome, storedSessions } from "./helpers";
import { expectLoginError, expectNotSignedIn, faultApp, rogueStats, setRogueMode, warmRogue } from "./rogue";

test.use({ baseURL: faultApp });
test.beforeEach(async ({ request }) => setRogueMode(request, "reset"));
test.afterEach(async ({ request }) => setRogueMode(request, "reset"));

const attacks: { mode: string; what: string; code: string }[] = [
  { mode: "wrong-iss", what: "an ID token from another issuer (iss)", code: "invalid_id_token" },
  { mode: "wrong-aud", what: "an ID token for another client (aud)", code: "invalid_id_token" },
  { mode: "multi-aud-no-azp", what: "an ID token for several audiences without azp", code: "invalid_id_token" },
  { mode: "expired", what: "an expired ID token (exp an hour ago)", code: "invalid_id_token" },
  { mode: "iat-future", what: "an ID token issued an hour in the future (iat)", code: "invalid_id_token" },
  { mode: "alg-none", what: 'an unsigned ID token ("alg": "none")', code: "invalid_id_token" },
  { mode: "hs256-public-key", what: "an ID token HMAC-signed (HS256) with the provider's RSA public key", code: "invalid_id_token" },
  { mode: "bad-signature", what: "an ID token whose signature does not verify", code: "invalid_id_token" },
  { mode: "wrong-nonce", what: "an ID token with a nonce that is not this login's", code: "invalid_id_token" },
  { mode: "userinfo-sub-mismatch", what: "userinfo about another user (sub differs from the ID token's)", code: "userinfo_failed" },
];

for (const { mode, what, code } of attacks) {
  test(`refused: ${what}`, async ({ page, request }) => {
    await setRogueMode(request, mode);
    await openHome(page);
    // Remember me: a login that got through would be stored in localStorage.
    await page.getByLabel("Remember me").check();
    await clickLoginWith(page, "Rogue");

    await expectLoginError(page, code);
    await expectNotSignedIn(page, "rogue", "Rogue");
    // The attack was delivered: one token response carrying it (or, for userinfo, one forged
    // userinfo answer after a valid ID token).
    const stats = await rogueStats(request);
    expect(stats.token).toBe(1);
    expect(stats.faults).toBe(1);
    if (mode === "userinfo-sub-mismatch") expect(stats.userinfo).toBe(1);
  });
}

test("refused: an ID token signed with a key the JWKS does not hold, after fetching the JWKS once more", async ({ page, request, browser }) => {
  await warmRogue(browser);
  const before = await rogueStats(request);
  await setRogueMode(request, "unknown-kid");
  await openHome(page);
  await page.getByLabel("Remember me").check();
  await clickLoginWith(page, "Rogue");

  await expectLoginError(page, "invalid_id_token");
  await expectNotSignedIn(page, "rogue", "Rogue");
  const after = await rogueStats(request);
  expect(after.token - before.token).toBe(1);
  // Exactly one more JWKS fetch (the cache missed the kid), no new discovery.
  expect(after.jwks - before.jwks).toBe(1);
  expect(after.discovery - before.discovery).toBe(0);
});

test("key rotation: a new kid in the JWKS is fetched once and the login succeeds", async ({ page, request, browser }) => {
  await warmRogue(browser);
  const before = await rogueStats(request);
  await setRogueMode(request, "rotate-keys");
  await openHome(page);
  await page.getByLabel("Remember me").check();
  await clickLoginWith(page, "Rogue");

  await expect(card(page, "rogue").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  await expect(card(page, "rogue").locator('[data-field="id"]')).toHaveText("rogue-alice");
  await expect(page.getByRole("alert")).toHaveCount(0);
  expect(Object.keys(await storedSessions(page))).toEqual(["rogue"]);
  const after = await rogueStats(request);
  expect(after.faults - before.faults).toBe(1); // signed with the new key
  expect(after.jwks - before.jwks).toBe(1);
  expect(after.discovery - before.discovery).toBe(0);
});

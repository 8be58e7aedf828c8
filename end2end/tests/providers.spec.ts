// Every built-in provider, end to end against its emulator (end2end/emulators/): the real server
// binary talks to the emulator over HTTP exactly as it would to the provider.
import { test, expect } from "@playwright/test";
import { card, clickLoginWith, continueAs, emulators, lastAuthorize, openHome } from "./helpers";

test("GitHub: verified primary e-mail, numeric id, every page of teams, extra scope and PKCE sent", async ({ page }) => {
  const errors = await openHome(page);
  const popup = await clickLoginWith(page, "GitHub");
  await continueAs(popup, "alice");

  const github = card(page, "github");
  await expect(github.getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  await expect(github.locator('[data-field="id"]')).toHaveText("1001");
  await expect(github.locator('[data-field="username"]')).toHaveText("alice");
  // The primary address, not the first listed nor the unverified one.
  await expect(github.locator('[data-field="email"]')).toHaveText("alice@wonderland.example (verified)");
  // Five teams across three pages of two (the Link header was followed).
  await expect(github.locator('[data-field="groups"] .chip')).toHaveText([
    "wonderland/admins", "wonderland/readers", "wonderland/tea-party", "looking-glass/chess", "looking-glass/queens",
  ]);
  // GitHub's comma-separated scope list, split.
  await expect(github.locator('[data-field="scope"]')).toContainText("public_repo");
  await expect(github.locator('[data-field="expires"]')).toHaveText("does not expire");

  const sent = await lastAuthorize(page, emulators.github);
  expect(sent.scope.split(" ")).toEqual(["read:user", "user:email", "read:org", "public_repo"]);
  expect(sent.code_challenge_method).toBe("S256");
  expect(errors).toEqual([]);
});

test("GitHub: an unverified primary address is never shown, and no teams means no chips", async ({ page }) => {
  await openHome(page);
  const popup = await clickLoginWith(page, "GitHub");
  await continueAs(popup, "bob");
  const github = card(page, "github");
  await expect(github.getByRole("heading", { name: "Signed in as bob" })).toBeVisible();
  await expect(github.locator('[data-field="email"]')).toHaveText("—");
  await expect(github.locator('[data-field="groups"] .chip')).toHaveCount(0);
});

test("GitHub: My repositories lists the public repositories through the server", async ({ page }) => {
  await openHome(page);
  const popup = await clickLoginWith(page, "GitHub");
  await continueAs(popup, "alice");
  const github = card(page, "github");
  await github.getByRole("button", { name: "My repositories" }).click();
  const list = github.getByRole("list", { name: "Repositories" });
  await expect(list.getByRole("link")).toHaveText(["alice/looking-glass", "alice/tea-party"]);
});

test("GitHub: cancelling at the provider shows its error and description", async ({ page }) => {
  await openHome(page);
  const popup = await clickLoginWith(page, "GitHub");
  await popup.getByRole("button", { name: "Cancel" }).click();
  const alert = page.getByRole("alert");
  await expect(alert.locator(".porte-error-code")).toHaveText("access_denied");
  await expect(alert.locator(".porte-error-description")).toHaveText("The user has denied your application access.");
});

for (const user of [
  { name: "alice", heading: "Alice Liddell", id: "110000000000000000001", why: "scheme-less iss" },
  { name: "bob", heading: "Bob Builder", id: "110000000000000000002", why: "full iss" },
]) {
  test(`Google: ${user.why} ID token accepted, refresh token kept sealed`, async ({ page }) => {
    await openHome(page);
    const popup = await clickLoginWith(page, "Google");
    await continueAs(popup, user.name);
    const google = card(page, "google");
    await expect(google.getByRole("heading", { name: `Signed in as ${user.heading}` })).toBeVisible();
    await expect(google.locator('[data-field="id"]')).toHaveText(user.id);
    await expect(google.locator('[data-field="refresh"]')).toHaveText("held by the server (sealed)");
    const sent = await lastAuthorize(page, emulators.google);
    expect(sent.access_type).toBe("offline");
    expect(sent.prompt).toBe("consent");
  });
}

test("Microsoft Entra: {tenantid} issuer, oid as the id, Graph profile, and the groups (not roles) of every page of memberOf", async ({ page }) => {
  await openHome(page);
  const popup = await clickLoginWith(page, "Microsoft");
  await continueAs(popup, "alice");
  const azure = card(page, "azure");
  await expect(azure.getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  const id = await azure.locator('[data-field="id"]').textContent();
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  // Four groups; the directory role in memberOf is not a group. Each is its object id under the
  // tenant (shown as the chip's title), named for people.
  const chips = azure.locator('[data-field="groups"] .chip');
  await expect(chips).toHaveText(["Admins", "Readers", "Tea Party", "Chess Club"]);
  await expect(chips.first()).toHaveAttribute("title", "4ae1c4b5-0f0e-4d1a-9b3f-5e7a2c9d0a11/7b1d2c3e-0001-4a5b-8c6d-111111111111");
  await expect(azure.locator('[data-field="refresh"]')).toHaveText("held by the server (sealed)");
  const sent = await lastAuthorize(page, emulators.azure);
  expect(sent.scope.split(" ")).toEqual(expect.arrayContaining(["openid", "offline_access", "User.Read", "GroupMember.Read.All"]));
});

test("Auth0: trailing-slash issuer, userinfo, groups from the namespaced claim", async ({ page }) => {
  await openHome(page);
  const popup = await clickLoginWith(page, "Auth0");
  await continueAs(popup, "alice");
  const auth0 = card(page, "auth0");
  await expect(auth0.getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  await expect(auth0.locator('[data-field="id"]')).toHaveText(/^auth0\|/);
  await expect(auth0.locator('[data-field="groups"] .chip')).toHaveText(["admins", "readers"]);
});

test("LinkedIn (custom OAuth provider): client_secret_post, userinfo at /v2/userinfo, sub as the id", async ({ page }) => {
  await openHome(page);
  const popup = await clickLoginWith(page, "LinkedIn");
  await continueAs(popup, "alice");
  const linkedin = card(page, "linkedin");
  await expect(linkedin.getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  await expect(linkedin.locator('[data-field="email"]')).toHaveText("alice@wonderland.example (verified)");
  const token = await (await page.request.get(`${emulators.linkedin}/_emulator/last-token-request`)).json();
  expect(token.client_auth).toBe("post");
});

test("two providers signed in at once keep separate authorizations", async ({ page }) => {
  await openHome(page);
  let popup = await clickLoginWith(page, "GitHub");
  await continueAs(popup, "alice");
  await expect(card(page, "github")).toBeVisible();
  popup = await clickLoginWith(page, "Google");
  await continueAs(popup, "bob");
  await expect(card(page, "google").getByRole("heading", { name: "Signed in as Bob Builder" })).toBeVisible();
  await expect(card(page, "github").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();

  await card(page, "github").getByRole("button", { name: "Logout", exact: true }).click();
  await expect(card(page, "github")).toHaveCount(0);
  await expect(card(page, "google")).toBeVisible();
  await expect(page.getByRole("button", { name: "Continue with GitHub" })).toBeEnabled();
});

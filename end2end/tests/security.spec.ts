// Security headers on every page, and cross-site requests to server functions refused.
import { test, expect } from "@playwright/test";
import { openHome } from "./helpers";

test("pages carry a nonce-based CSP that still lets the wasm hydrate, and the other headers", async ({ page }) => {
  const violations: string[] = [];
  page.on("console", (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  const response = (await page.goto("/"))!;
  const h = response.headers();
  const csp = h["content-security-policy"];
  const scripts = csp.split(";").find((d) => d.trim().startsWith("script-src"))!;
  expect(scripts).toMatch(/'nonce-[A-Za-z0-9_-]{16,}'/);
  expect(scripts).toContain("'wasm-unsafe-eval'");
  expect(scripts).not.toContain("unsafe-inline");
  expect(csp).toContain("frame-ancestors 'none'");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["x-frame-options"]).toBe("DENY");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await expect(page.getByRole("button", { name: "Continue with Local" })).toBeVisible();
  // A fresh nonce per response.
  const again = (await page.request.get("/")).headers()["content-security-policy"];
  expect(again).not.toBe(csp);
  expect(violations).toEqual([]);
});

test("the OAuth redirect page keeps its own stricter CSP and sends no Referer", async ({ page }) => {
  const response = (await page.goto("/api/oauth/redirect"))!;
  const h = response.headers();
  expect(h["content-security-policy"]).toContain("default-src 'none'");
  expect(h["referrer-policy"]).toBe("no-referrer");
  expect(h["cache-control"]).toBe("no-store");
});

for (const endpoint of ["start_login", "restore_session", "refresh_session", "end_session"]) {
  test(`a cross-site form POST to ${endpoint} is refused`, async ({ page }) => {
    await openHome(page);
    // An attacker's page on another origin submits a form to the server function.
    await page.route("http://attacker.test/", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<form method="post" action="http://127.0.0.1:3000/api/${endpoint}">
                 <input name="sealed" value="x"><input name="provider_logout" value="true">
               </form><script>document.forms[0].submit()</script>`,
      }),
    );
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/${endpoint}`));
    await page.goto("http://attacker.test/");
    const response = await refused;
    expect(response.status()).toBe(403);
    expect(await response.text()).toBe("cross-site request refused");
  });
}

test("the same server function called from the app's own page still works", async ({ page }) => {
  await openHome(page);
  const status = await page.evaluate(async () => {
    const r = await fetch("/api/list_providers", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" });
    return r.status;
  });
  expect(status).toBe(200);
});

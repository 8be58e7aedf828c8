// Security headers on every page, and cross-site requests to server functions refused.
import { test, expect } from "@playwright/test";
import { openHome } from "./helpers";
import { Instance } from "./instances";

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

test("a server function's answer gets no nonce: its policy lets no script run", async ({ page }) => {
  const answer = await page.request.post("/api/whoami");
  const csp = answer.headers()["content-security-policy"];
  const scripts = csp.split(";").find((d) => d.trim().startsWith("script-src"))!;
  expect(scripts.trim()).toBe("script-src 'none'");
  expect(answer.headers()["x-content-type-options"]).toBe("nosniff");
});

test("the OAuth redirect page keeps its own stricter CSP and sends no Referer", async ({ page }) => {
  const response = (await page.goto("/api/oauth/redirect"))!;
  const h = response.headers();
  expect(h["content-security-policy"]).toContain("default-src 'none'");
  expect(h["referrer-policy"]).toBe("no-referrer");
  expect(h["cache-control"]).toBe("no-store");
});

for (const endpoint of ["porte/start_login", "porte/restore_session", "porte/refresh_session", "porte/end_session", "oauth/start", "whoami"]) {
  test(`a cross-site form POST to ${endpoint} is refused`, async ({ page }) => {
    await openHome(page);
    // An attacker's page on another origin submits a form to the server function.
    await page.route("http://attacker.test/", (route) =>
      route.fulfill({
        contentType: "text/html",
        body: `<form method="post" action="http://127.0.0.1:3000/api/${endpoint}">
                 <input name="sealed" value="x"><input name="provider_logout" value="true"><input name="provider" value="local">
               </form><script>document.forms[0].submit()</script>`,
      }),
    );
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/${endpoint}`));
    await page.goto("http://attacker.test/");
    const response = await refused;
    expect(response.status()).toBe(403);
    expect(await response.json()).toEqual({ error: "cross_site", description: "A request from another site was refused." });
  });
}

test("the same server function called from the app's own page still works", async ({ page }) => {
  await openHome(page);
  const status = await page.evaluate(async () => {
    const r = await fetch("/api/porte/restore_session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sealed: "garbage" }) });
    return [r.status, (await r.json()).error];
  });
  // Judged on its merits (a garbage token), not refused as cross-site (403 cross_site).
  expect(status).toEqual([401, "invalid_session"]);
});

test("bad input to server functions is a clear 4xx, never a 500", async ({ request }) => {
  const call = (endpoint: string, body: string, type = "application/json") =>
    request.post(`/api/porte/${endpoint}`, { headers: { "content-type": type }, data: body });
  const cases: [string, string, string, number, string][] = [
    ["wrong content type", "start_login", "hello", 400, "invalid_request"],
    ["broken JSON", "start_login", '{"request":', 400, "invalid_request"],
    ["unknown provider", "start_login", JSON.stringify({ request: { provider: "nope", scope: [], fetch_user: true, fetch_groups: false, complete_page_html: null, return_to: null } }), 400, "unknown_provider"],
    ["a scope with a space", "start_login", JSON.stringify({ request: { provider: "local", scope: ["a b"], fetch_user: true, fetch_groups: false, complete_page_html: null, return_to: null } }), 400, "invalid_request"],
    ["a garbage session token", "restore_session", JSON.stringify({ sealed: "garbage" }), 401, "invalid_session"],
    ["an oversized session token", "refresh_session", JSON.stringify({ sealed: "p1.x." + "A".repeat(100_000) }), 401, "invalid_session"],
  ];
  for (const [why, endpoint, body, status, code] of cases) {
    const r = await call(endpoint, body, why === "wrong content type" ? "text/plain" : "application/json");
    expect(r.status(), why).toBe(status);
    expect((await r.json()).error, why).toBe(code);
  }
});

test("an oversized or malformed OAuth redirect is refused cleanly", async ({ request }) => {
  // Beyond 64 KiB the HTTP layer itself refuses; from 8 KiB the app says why.
  expect((await request.get(`/api/oauth/redirect?state=${"a".repeat(100_000)}`)).status()).toBe(414);
  const long = await request.get(`/api/oauth/redirect?state=${"a".repeat(10_000)}`);
  expect(long.status()).toBe(414);
  expect(await long.text()).toContain("the limit is 8192");
  // A cookie bomb (e.g. set by a sibling subdomain) is named, not silently ignored.
  const cookies = Array.from({ length: 40 }, (_, i) => `junk${i}=${"x".repeat(1000)}`).join("; ");
  for (const path of ["/", "/api/oauth/redirect?state=s&code=c"]) {
    const bomb = await request.get(path, { headers: { cookie: cookies } });
    expect(bomb.status(), path).toBe(431);
    expect(await bomb.text(), path).toContain("Clear this site's cookies");
  }
  const bombed = await request.post("/api/porte/start_login", { headers: { cookie: cookies, "content-type": "application/json" }, data: "{}" });
  expect(bombed.status()).toBe(431);
  const bad = await request.get("/api/oauth/redirect?state=%FF%FE&code=%C3%28");
  expect(bad.status()).toBe(200);
  expect(await bad.text()).toContain("invalid_state");
});

test("hashed static files: precompressed, cached for good, nosniff, and no document headers", async ({ page }) => {
  const wasm = page.waitForResponse((r) => /\/pkg\/porte\.[\w-]{16,}\.wasm$/.test(r.url()));
  await openHome(page);
  const response = await wasm;
  const h = await response.allHeaders();
  expect(h["content-encoding"]).toBe("br");
  expect(h["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["content-security-policy"]).toBeUndefined();
  // Unhashed files are revalidated.
  const icon = await page.request.get("/favicon.ico");
  expect(icon.headers()["cache-control"]).toBe("no-cache");
  // The completion page's script comes from Porte's router, hashed and cached for good.
  const completion = await page.request.get("/api/oauth/redirect");
  const src = (await completion.text()).match(/src="(\/api\/oauth\/complete\.[0-9a-f]{8}\.js)"/)?.[1];
  expect(src).toBeTruthy();
  const script = await page.request.get(src!);
  expect(script.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(script.headers()["content-type"]).toContain("text/javascript");
});

test("HSTS only when the app's public origin is https", async ({ request }) => {
  expect((await request.get("/")).headers()["strict-transport-security"]).toBeUndefined();
  // Behind a TLS-terminating proxy: the process speaks http, its public origin is https.
  const behindTls = await Instance.start(3008, "https://porte.example");
  try {
    const r = await fetch("http://127.0.0.1:3008/");
    expect(r.headers.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  } finally {
    await behindTls.stop();
  }
});

// The server keeps no login state in memory: everything a flow needs travels in its sealed flow
// cookie. So a login started on one instance finishes on another (a load balancer), and a login
// in progress survives a restart (a deploy) — as long as the instances share PORTE_SECRET_KEY.
import { test, expect } from "@playwright/test";
import { card, clickLogin, signInAtProvider } from "./helpers";
import { Instance, startBalancer } from "./instances";

const origin = "http://127.0.0.1:3005";
const instances: Instance[] = [];
const start = async (port: number, publicOrigin = origin) => {
  const i = await Instance.start(port, publicOrigin);
  instances.push(i);
  return i;
};

test.use({ baseURL: origin });
test.afterEach(async () => {
  await Promise.all(instances.splice(0).map((i) => i.stop()));
});

test("a login started on one instance completes on another that shares the app secret", async ({ page }) => {
  // Two instances behind one public origin; the balancer sends the provider's redirect to B
  // and everything else to A.
  const a = await start(3007, origin);
  const b = await start(3006, origin);
  const balancer = await startBalancer(3005, (path) => (path.startsWith("/api/oauth/redirect") ? b : a));
  try {
    await page.goto("/");
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    const popup = await clickLogin(page);
    await signInAtProvider(popup);
    await popup.getByRole("button", { name: "Allow" }).click();
    await expect(card(page, "local").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  } finally {
    await balancer.close();
  }
  // The flow really was split: A started it, only B completed it.
  expect(b.log()).toContain("login completed");
  expect(a.log()).not.toContain("login completed");
});

test("a login in progress survives a server restart between the start and the callback", async ({ page }) => {
  let server = await start(3005);
  await page.goto("/");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await page.getByLabel("Remember me").check();
  const popup = await clickLogin(page);
  await signInAtProvider(popup);
  await expect(popup.getByRole("button", { name: "Allow" })).toBeVisible();
  // Deploy: the process that started the login is gone; a new one takes over.
  await server.stop();
  server = await start(3005);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(card(page, "local").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
  expect(server.log()).toContain("login completed");
  // The remembered session it issued opens on the new process too.
  await page.reload();
  await expect(card(page, "local").getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();
});

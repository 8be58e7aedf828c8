// The client secret lives only in the server: not in the built site, not in anything served.
import { test, expect } from "@playwright/test";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { clickLogin, localClient, openHome, root, signInAtProvider } from "./helpers";

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

const secret = Buffer.from(localClient.client_secret);

test("the built site (target/site) does not contain the client secret", () => {
  const site = files(path.join(root, "target/site"));
  expect(site.filter((f) => f.endsWith(".wasm")).length).toBeGreaterThan(0);
  const leaks = site.filter((f) => readFileSync(f).includes(secret));
  expect(leaks).toEqual([]);
});

test("no response from the app during a whole login contains the client secret", async ({ page, context }) => {
  // Keep the popup open so the bodies of its responses can still be read (the login test checks
  // that it closes itself).
  await context.addInitScript(() => {
    window.close = () => {};
  });
  const bodies: Promise<[string, Buffer]>[] = [];
  context.on("response", (r) => {
    if (r.url().startsWith("http://127.0.0.1:3000/") && r.status() < 300) {
      bodies.push(r.body().then((b) => [r.url(), b] as [string, Buffer]));
    }
  });
  await openHome(page);
  const popup = await clickLogin(page);
  await signInAtProvider(popup);
  await popup.getByRole("button", { name: "Allow" }).click();
  await expect(page.getByRole("heading", { name: "Signed in as Alice Liddell" })).toBeVisible();

  const seen = await Promise.all(bodies);
  const urls = seen.map(([url]) => new URL(url).pathname);
  expect(urls).toEqual(expect.arrayContaining(["/", "/pkg/porte.wasm", "/api/oauth/redirect", "/porte-complete.js"]));
  const completion = seen.find(([url]) => new URL(url).pathname === "/api/oauth/redirect")!;
  expect(completion[1].toString()).toContain("Sign-in complete");
  expect(seen.filter(([, body]) => body.includes(secret)).map(([url]) => url)).toEqual([]);
});

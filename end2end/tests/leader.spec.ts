// The refresh leader: one tab refreshes for all (a rotating refresh token must never be presented
// twice), and when that tab closes another takes over. Both ways a tab becomes the leader: the
// Web Lock `porte-refresh-leader`, and the heartbeat fallback for browsers without Web Locks
// (every engine tested here has them, so the fallback is forced by hiding `navigator.locks`).
import { test, expect, type Page } from "@playwright/test";
import { card, loginWithAuthgear, openHome } from "./helpers";

for (const mode of ["Web Locks", "heartbeat, no Web Locks"] as const) {
  test(`${mode}: one tab refreshes for both; when it closes the other takes over, no invalid_grant`, async ({ context }) => {
    test.setTimeout(60_000);
    if (mode !== "Web Locks") {
      await context.addInitScript(() => {
        Object.defineProperty(Navigator.prototype, "locks", { value: undefined, configurable: true });
      });
    }
    const log: string[] = [];
    const open = async (i: number) => {
      const page = await context.newPage();
      page.on("console", (m) => log.push(`${i} ${m.type()} ${m.text()}`));
      await openHome(page);
      return page;
    };
    try {
      const refreshesBy = (i: number) => log.filter((l) => l.startsWith(`${i} `) && l.includes("porte: refreshed")).length;
      const first: Page = await open(0);
      await loginWithAuthgear(first);
      const second = await open(1);
      await expect(card(second, "authgear")).toBeVisible();
      if (mode !== "Web Locks") expect(await second.evaluate(() => navigator.locks)).toBeUndefined();

      // 5 s access tokens, refreshed ahead of expiry by one tab only: the leader. Which tab leads
      // is not promised (two tabs that claim the heartbeat lead at once settle on the lower random
      // number), so the test finds out.
      await expect.poll(() => refreshesBy(0) + refreshesBy(1), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      const leader = refreshesBy(0) > 0 ? 0 : 1;
      expect(refreshesBy(1 - leader)).toBe(0);

      // The leader goes away: the other tab leads and keeps the session alive.
      const [gone, stays] = leader === 0 ? [first, second] : [second, first];
      await gone.close();
      await expect.poll(() => refreshesBy(1 - leader), { timeout: 15_000 }).toBeGreaterThanOrEqual(2);
      await expect(card(stays, "authgear")).toBeVisible();
      const errors = log.filter((l) => / (warning|error) /.test(l) || l.includes("invalid_grant"));
      expect(errors).toEqual([]);
    } finally {
      // Every tab's console with the result: which tab led and refreshed, when it fails.
      await test.info().attach("console", { body: log.join("\n"), contentType: "text/plain" });
    }
  });
}

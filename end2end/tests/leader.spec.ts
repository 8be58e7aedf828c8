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

// The heartbeat's claims, message by message, on a paused fake clock. Test-side channel objects in
// the tab hear what it posts (`rival`, which also speaks for a rival tab) and tell when it has read
// what `rival` said (`witness`: made after Porte's own channel object, so the message reaches
// Porte's first). With the clock paused the tab posts nothing unless the test moves time on or a
// message makes it answer.
test("heartbeat, no Web Locks: of two claims the lower number leads; a leader answers a claim at once", async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(Navigator.prototype, "locks", { value: undefined, configurable: true });
  });
  await page.clock.install();
  await openHome(page);
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 10);
  await page.evaluate(() => {
    const w = window as unknown as Record<string, unknown>;
    const heard: unknown[] = (w.heard = []);
    const rival = (w.rival = new BroadcastChannel("porte-session-leader"));
    w.witness = new BroadcastChannel("porte-session-leader");
    rival.onmessage = (e) => heard.push(e.data);
  });
  type Channels = { heard: unknown[]; rival: BroadcastChannel; witness: BroadcastChannel };
  const heard = () => page.evaluate(() => (window as unknown as Channels).heard);
  // Says `message` as the rival tab; returns once the tab has read it. What the tab heard so far
  // is cleared, so what follows is its answer.
  const say = (message: unknown) =>
    page.evaluate(
      (m) =>
        new Promise<void>((read) => {
          const w = window as unknown as Channels;
          w.heard.length = 0;
          w.witness.onmessage = () => read();
          w.rival.postMessage(m);
        }),
      message,
    );

  // Another tab leads: the tab waits. Then three silent seconds and the next tick: the tab claims
  // with its random number, sent as a number (it leads only a tick later).
  await say("leader");
  await page.clock.runFor(3_000);
  await page.clock.runFor(1_000);
  await expect.poll(heard).toHaveLength(1);
  const mine = (await heard())[0] as number;
  expect(typeof mine).toBe("number");

  // A rival claims with a lower number: the tab withdraws. What it posts next is a new claim,
  // after three silent seconds, not the lead.
  await say(mine / 2);
  await page.clock.runFor(4_000);
  await expect.poll(async () => typeof (await heard())[0]).toBe("number");
  const again = (await heard())[0] as number;

  // A rival claims with a higher number: the tab keeps its claim and leads at the next tick.
  await say(again + (1 - again) / 2);
  await page.clock.runFor(1_000);
  await expect.poll(async () => (await heard())[0]).toBe("leader");

  // Leading, the tab answers a claim at once, the clock standing still.
  await say(0);
  await expect.poll(heard).toEqual(["leader"]);
});

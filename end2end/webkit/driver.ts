// WebKit for the end-to-end tests: Debian's WebKitGTK MiniBrowser driven over W3C WebDriver by
// Debian's WebKitGTK WebDriver (`WebKitWebDriver`, package webkit2gtk-driver), through the
// selenium-webdriver client pointed at that running driver (it never downloads a driver or a
// browser). Playwright cannot drive this WebKit (it needs its own patched build), so these tests
// only use Playwright's runner: its servers (playwright.config.ts), workers, timeouts and
// `expect.poll`.
//
// Per worker: one Xvfb display (MiniBrowser has no headless mode) and a pool of WebKitWebDriver
// processes, each on its own port, since one driver serves one session at a time. A test asks
// for as many browsers as it needs (`browsers.open()`); each is a fresh MiniBrowser whose
// storage and cookies are its own and end with it.
import { test as base, expect } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import net from "node:net";
import { Builder, By, type WebDriver, type WebElement } from "selenium-webdriver";
import { parseSessions, sessionsText } from "../porte-wire.mjs";

export { expect };

export const appUrl = "http://127.0.0.1:3000";
const MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";

/** A port nothing listens on right now (the kernel's choice). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts Xvfb on the first free display; resolves with its name (":N"). */
export async function startXvfb(): Promise<{ display: string; child: ChildProcess }> {
  const child = spawn("Xvfb", ["-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const errors: string[] = [];
  child.stderr!.on("data", (d) => errors.push(String(d)));
  const display = await new Promise<string>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`Xvfb exited (${code}): ${errors.join("")}`)));
    child.stdout!.once("data", (d) => resolve(`:${String(d).trim()}`));
  });
  child.removeAllListeners("exit");
  return { display, child };
}

/** One WebKitWebDriver process, serving one session at a time. */
class Driver {
  busy = false;
  private constructor(readonly url: string, private readonly child: ChildProcess) {}

  static async start(display: string): Promise<Driver> {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn("WebKitWebDriver", [`--port=${port}`], {
      env: { ...process.env, DISPLAY: display },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d) => output.push(String(d)));
    child.stderr!.on("data", (d) => output.push(String(d)));
    const url = `http://127.0.0.1:${port}`;
    await expect
      .poll(async () => (await fetch(`${url}/status`).catch(() => null))?.status ?? 0, {
        message: `WebKitWebDriver on ${port} answers (output: ${output.join("")})`,
        timeout: 10_000,
      })
      .toBe(200);
    return new Driver(url, child);
  }

  stop() {
    this.child.kill();
  }
}

/** The drivers of one worker and its display. */
class Pool {
  private readonly drivers: Driver[] = [];
  constructor(private readonly display: string) {}

  /** A fresh MiniBrowser in its own session, on a driver that is free (started if none is). */
  async open(): Promise<{ driver: WebDriver; release: () => Promise<void> }> {
    let d = this.drivers.find((x) => !x.busy);
    if (!d) {
      d = await Driver.start(this.display);
      this.drivers.push(d);
    }
    d.busy = true;
    const driver = await new Builder()
      .usingServer(d.url)
      .withCapabilities({
        browserName: "MiniBrowser",
        "webkitgtk:browserOptions": { binary: MINIBROWSER, args: ["--automation"] },
      })
      .build();
    const owner = d;
    return {
      driver,
      release: async () => {
        await driver.quit().catch(() => {});
        owner.busy = false;
      },
    };
  }

  stop() {
    for (const d of this.drivers) d.stop();
  }
}

/** Opens browsers for one test and closes them after it (with a screenshot of each on failure). */
export class Browsers {
  private readonly open_: { driver: WebDriver; release: () => Promise<void> }[] = [];
  constructor(private readonly pool: Pool) {}

  async open(): Promise<WebDriver> {
    const session = await this.pool.open();
    this.open_.push(session);
    return session.driver;
  }

  async closeAll(onFailure?: (name: string, png: Buffer) => Promise<void>) {
    for (const [i, { driver, release }] of this.open_.entries()) {
      if (onFailure) {
        const handles = await driver.getAllWindowHandles().catch(() => [] as string[]);
        for (const [j, h] of handles.entries()) {
          try {
            await driver.switchTo().window(h);
            await onFailure(`browser-${i}-window-${j}.png`, Buffer.from(await driver.takeScreenshot(), "base64"));
          } catch {
            // A window that closed meanwhile has nothing to show.
          }
        }
      }
      await release();
    }
  }
}

export const test = base.extend<{ browsers: Browsers; driver: WebDriver }, { pool: Pool }>({
  pool: [
    async ({}, use) => {
      const xvfb = await startXvfb();
      const pool = new Pool(xvfb.display);
      await use(pool);
      pool.stop();
      xvfb.child.kill();
    },
    { scope: "worker" },
  ],
  browsers: async ({ pool }, use, testInfo) => {
    const browsers = new Browsers(pool);
    await use(browsers);
    const failed = testInfo.status !== testInfo.expectedStatus;
    // On failure, every window's screenshot goes into the test's output folder.
    await browsers.closeAll(
      failed
        ? async (name, body) => {
            const file = testInfo.outputPath(name);
            writeFileSync(file, body);
            await testInfo.attach(name, { path: file, contentType: "image/png" });
          }
        : undefined,
    );
  },
  /** The first browser of the test. */
  driver: async ({ browsers }, use) => {
    await use(await browsers.open());
  },
});

// ---- Steps, with the same roles, labels and selectors as tests/helpers.ts ----------------

/** An XPath string literal for `text` (no quotes in the names used here). */
const lit = (text: string) => {
  if (text.includes('"')) throw new Error(`quote in ${text}`);
  return `"${text}"`;
};

/** Finds elements: a selenium `By`, or a function run against the session (`By.js`). */
export type Locator = By | ((driver: WebDriver) => Promise<WebElement[]>);

/** A button by its accessible name, as `getByRole("button", { name, exact: true })` finds it:
 *  its aria-label, else its text without aria-hidden parts (the provider marks are SVGs with
 *  text in them). */
export function button(name: string): Locator {
  const find = By.js(
    `const name = arguments[0];
     const text = (n) => n.nodeType === Node.TEXT_NODE ? n.data
       : n.nodeType === Node.ELEMENT_NODE && n.getAttribute("aria-hidden") !== "true"
         ? Array.from(n.childNodes).map(text).join("") : "";
     return Array.from(document.querySelectorAll("button")).filter(
       (b) => (b.getAttribute("aria-label") ?? text(b)).replace(/\\s+/g, " ").trim() === name);`,
    name,
  );
  return Object.assign(find, { toString: () => `button "${name}"` });
}
/** A form control by its label (wrapping label or label[for]). */
export const labelled = (label: string) =>
  By.xpath(
    `//label[normalize-space(.)=${lit(label)}]//input | //*[@id=//label[normalize-space(.)=${lit(label)}]/@for]`,
  );
/** A heading by its text. */
export const heading = (text: string) =>
  By.xpath(`//*[self::h1 or self::h2 or self::h3][normalize-space(.)=${lit(text)}]`);
/** The card of one signed-in provider. */
export const card = (provider: string) => By.css(`section.signed-in[data-provider="${provider}"]`);
export const alertCode = By.css('[role="alert"] .porte-error-code');
export const alertDescription = By.css('[role="alert"] .porte-error-description');

/** How many elements match now (0 while there are none). */
export async function count(driver: WebDriver, by: Locator): Promise<number> {
  return (await driver.findElements(by)).length;
}

/** The text of the first match, or null while there is none. */
export async function textOf(driver: WebDriver, by: Locator): Promise<string | null> {
  const [el] = await driver.findElements(by);
  if (!el) return null;
  return el.getText().catch(() => null);
}

/** Waits until `by` matches a displayed element and returns it. */
export async function visible(driver: WebDriver, by: Locator, timeout = 10_000): Promise<WebElement> {
  let found: WebElement | undefined;
  await expect
    .poll(
      async () => {
        for (const el of await driver.findElements(by)) {
          if (await el.isDisplayed().catch(() => false)) {
            found = el;
            return true;
          }
        }
        return false;
      },
      { message: `${by} is displayed`, timeout },
    )
    .toBe(true);
  return found!;
}

/** Waits for `by` to be displayed and enabled, then clicks it (a real, trusted click). */
export async function click(driver: WebDriver, by: Locator) {
  const el = await visible(driver, by);
  await expect.poll(() => el.isEnabled(), { message: `${by} is enabled` }).toBe(true);
  await el.click();
}

/** Ticks a checkbox or radio by its label unless it already is. */
export async function check(driver: WebDriver, label: string) {
  const el = await visible(driver, labelled(label));
  if (!(await el.isSelected())) await el.click();
  await expect.poll(() => el.isSelected(), { message: `${label} is checked` }).toBe(true);
}

/** Unticks a checkbox by its label. */
export async function uncheck(driver: WebDriver, label: string) {
  const el = await visible(driver, labelled(label));
  if (await el.isSelected()) await el.click();
  await expect.poll(() => el.isSelected(), { message: `${label} is unchecked` }).toBe(false);
}

/** Waits until the wasm has hydrated the page (its handlers exist only then), then records
 *  what the page logs from then on (see `pageLog`). */
export async function waitHydrated(driver: WebDriver) {
  await visible(driver, By.css('body[data-hydrated="true"]'), 20_000);
  await driver.executeScript(`
    if (!window.__porteLog) {
      window.__porteLog = [];
      for (const level of ["log", "info", "warn", "error"]) {
        const original = console[level].bind(console);
        console[level] = (...args) => {
          window.__porteLog.push(level + " " + args.map(String).join(" "));
          original(...args);
        };
      }
      window.addEventListener("error", (e) => window.__porteLog.push("pageerror " + e.message));
      window.addEventListener("unhandledrejection", (e) => window.__porteLog.push("pageerror " + e.reason));
    }`);
}

/** Everything the current window logged since `waitHydrated`. */
export async function pageLog(driver: WebDriver): Promise<string[]> {
  return ((await driver.executeScript("return window.__porteLog || []")) as string[]) ?? [];
}

/** Opens the home page in the current window and waits until it has hydrated. */
export async function openHome(driver: WebDriver) {
  await driver.get(`${appUrl}/`);
  await waitHydrated(driver);
}

/** Waits for a window that is not in `known` (a popup) and returns its handle. */
export async function newWindow(driver: WebDriver, known: string[]): Promise<string> {
  let handle: string | undefined;
  await expect
    .poll(
      async () => {
        handle = (await driver.getAllWindowHandles()).find((h) => !known.includes(h));
        return handle !== undefined;
      },
      { message: "a new window opened" },
    )
    .toBe(true);
  return handle!;
}

/** Clicks "Continue with <label>" and switches to the popup it opened; returns both handles. */
export async function clickLoginWith(driver: WebDriver, label: string): Promise<{ page: string; popup: string }> {
  const page = await driver.getWindowHandle();
  const known = await driver.getAllWindowHandles();
  await click(driver, button(`Continue with ${label}`));
  const popup = await newWindow(driver, known);
  await driver.switchTo().window(popup);
  return { page, popup };
}

/** Signs in on the local provider's real login page (in the current window). */
export async function signInAtProvider(driver: WebDriver, username = "alice", password = "wonderland") {
  const user = await visible(driver, labelled("Username"));
  await user.clear();
  await user.sendKeys(username);
  await (await visible(driver, labelled("Password"))).sendKeys(password);
  await click(driver, button("Sign in"));
}

/** Waits until the window `handle` is gone (closed by itself or by the test). */
export async function windowClosed(driver: WebDriver, handle: string) {
  await expect
    .poll(async () => (await driver.getAllWindowHandles()).includes(handle), {
      message: "the window closed",
    })
    .toBe(false);
}

/** Signs in with the Authgear-style provider (the local provider with offline_access: refresh
 *  tokens that rotate, and whose reuse revokes the grant) in a popup, ticking "Remember me" if
 *  asked; back in the page's window, signed in. */
export async function loginWithAuthgear(driver: WebDriver, remember = true) {
  if (remember) await check(driver, "Remember me");
  const { page, popup } = await clickLoginWith(driver, "Authgear");
  await signInAtProvider(driver);
  await click(driver, button("Allow"));
  await driver.switchTo().window(page);
  await visible(driver, card("authgear"));
  await expect
    .poll(() => textOf(driver, By.css('section.signed-in[data-provider="authgear"] h2')))
    .toBe("Signed in as Alice Liddell");
  await windowClosed(driver, popup);
}

/** The remembered session tokens in local storage. */
export async function storedSessions(driver: WebDriver): Promise<Record<string, string>> {
  return parseSessions(await driver.executeScript(`return localStorage.getItem("porte.sessions")`));
}

/** Puts `sessions` in local storage as Porte keeps them (remembered). */
export async function rememberSessions(driver: WebDriver, sessions: Record<string, string>) {
  await driver.executeScript((text: string) => localStorage.setItem("porte.sessions", text), sessionsText(sessions));
}

/** What the current window shows of one provider's session, read in one step (the card is
 *  drawn anew on every refresh): how many cards, the session fingerprint on the card (changes
 *  with every refresh), and the error code on show, if any. */
export async function sessionView(
  driver: WebDriver,
  provider: string,
): Promise<{ cards: number; token: string | null; error: string | null }> {
  return driver.executeScript(
    `const cards = document.querySelectorAll('section.signed-in[data-provider="' + arguments[0] + '"]');
     const error = document.querySelector('[role="alert"] .porte-error-code');
     return { cards: cards.length, token: cards[0]?.getAttribute("data-token") ?? null,
              error: error ? error.textContent : null };`,
    provider,
  );
}

// The desktop example (examples/desktop, a Tauri 2 app) for the end-to-end tests: its window is
// driven over W3C WebDriver by tauri-driver 2.x in front of Debian's WebKitWebDriver, under Xvfb.
// Its "system browser" is Playwright's Chromium: the app is built with the `test-opener` feature,
// which hands each sign-in URL to this process over TCP instead of to xdg-open. A test may quit
// the app and start it again on the same data directory (a restart keeps what the app stored).
import { test as base, expect, type Browser, type Page } from "@playwright/test";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Builder, type WebDriver } from "selenium-webdriver";
import { freePort, startXvfb } from "../webkit/driver";

export { expect };

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(root, "target");
/** Built by `cargo build -p desktop --features test-opener` (scripts/test). */
const desktopBin = process.env.PORTE_DESKTOP_BIN ?? path.join(targetDir, "debug/desktop");
/** The minimal example's site, which the desktop app serves (scripts/test builds it in release). */
const minimalBin = process.env.PORTE_MINIMAL_BIN ?? path.join(targetDir, "release/minimal");
export const appUrl = "http://127.0.0.1:3020";
/** How long the app's window may take to open: a launch takes a few seconds, and this is under
 *  the test's 30 s, so a hang fails here, with the output, rather than as a bare timeout. */
const LAUNCH_MS = 15_000;
const providerUrl = "http://127.0.0.1:4010";

/** The app's environment, and nothing of this process's OIDC_/PORTE_/LEPTOS_ variables (the
 *  web suites' local provider has a client secret, which a public client must not have). */
function appEnv(display: string, dataDir: string, opener: number): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(OIDC_|OAUTH_|PORTE_|LEPTOS_)/.test(k)),
  );
  return {
    ...env,
    DISPLAY: display,
    // Tauri keeps the sealing key and the webview's storage and cookies under here.
    XDG_DATA_HOME: dataDir,
    PORTE_TEST_OPENER: `127.0.0.1:${opener}`,
    OIDC_LOCAL_ISSUER: providerUrl,
    OIDC_LOCAL_CLIENT_ID: "porte-desktop",
    OIDC_LOCAL_CLIENT_AUTH: "none",
    OIDC_LOCAL_SCOPES: "openid profile email groups",
    LEPTOS_SITE_ROOT: path.join(root, "target/site-minimal"),
    LEPTOS_HASH_FILE_NAME: path.join(path.dirname(minimalBin), "minimal-hash.txt"),
    RUST_LOG: "info",
  };
}

/** Receives the URLs the app opens, one line each. */
class Opener {
  private readonly urls: string[] = [];
  private waiting: ((url: string) => void) | undefined;
  private constructor(readonly server: net.Server) {}

  static async start(): Promise<Opener> {
    const server = net.createServer();
    const opener = new Opener(server);
    server.on("connection", (socket) => {
      let data = "";
      socket.on("data", (d) => (data += d));
      socket.on("end", () => opener.push(data.trim()));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return opener;
  }

  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  private push(url: string) {
    if (this.waiting) {
      this.waiting(url);
      this.waiting = undefined;
    } else this.urls.push(url);
  }

  /** The next URL the app opens. */
  next(): Promise<string> {
    const url = this.urls.shift();
    if (url !== undefined) return Promise.resolve(url);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** How many opened URLs nobody has taken yet. */
  get unread(): number {
    return this.urls.length;
  }

  stop() {
    this.server.close();
  }
}

/** The desktop app, its tauri-driver, its data directory, and the browser it opens. */
export class Desktop {
  window!: WebDriver;
  readonly output: string[] = [];
  private constructor(
    private readonly driverUrl: string,
    private readonly driver: ChildProcess,
    private readonly dataDir: string,
    readonly opener: Opener,
    private readonly browser: Browser,
  ) {}

  static async start(display: string, browser: Browser): Promise<Desktop> {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "porte-desktop-"));
    const opener = await Opener.start();
    const port = await freePort();
    const nativePort = await freePort();
    // tauri-driver starts the app for each session, with its own environment.
    const driver = spawn(
      "tauri-driver",
      [`--port=${port}`, `--native-port=${nativePort}`, "--native-driver=/usr/bin/WebKitWebDriver"],
      { env: appEnv(display, dataDir, opener.port), stdio: ["ignore", "pipe", "pipe"] },
    );
    const desktop = new Desktop(`http://127.0.0.1:${port}`, driver, dataDir, opener, browser);
    driver.stdout!.on("data", (d) => desktop.output.push(String(d)));
    driver.stderr!.on("data", (d) => desktop.output.push(String(d)));
    await expect
      .poll(async () => (await fetch(`${desktop.driverUrl}/status`).catch(() => null))?.status ?? 0, {
        message: `tauri-driver on ${port} answers (output: ${desktop.output.join("")})`,
        timeout: 10_000,
      })
      .toBe(200);
    await desktop.launch();
    return desktop;
  }

  /** Starts the app (its window is `this.window`). A launch that fails or hangs stops
   *  everything it started and fails with the app's and tauri-driver's output: without it, a
   *  hang would only show as the test's timeout, with nothing to tell why. */
  async launch() {
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no WebDriver session after ${LAUNCH_MS} ms`)), LAUNCH_MS);
    });
    const session = new Builder()
      .usingServer(this.driverUrl)
      .withCapabilities({ browserName: "wry", "tauri:options": { application: desktopBin } })
      .build();
    try {
      this.window = await Promise.race([session, hung]);
    } catch (e) {
      session.then((w) => w.quit(), () => {}).catch(() => {});
      await this.stop();
      throw new Error(`the desktop app did not start: ${e}\n--- tauri-driver and app output ---\n${this.output.join("")}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Quits the app and starts it again, on the same data directory. */
  async restart() {
    await this.window.quit();
    await this.launch();
  }

  /** Opens `url` in the "system browser" (a new Chromium page, with its own cookies). */
  async browse(url: string): Promise<Page> {
    const context = await this.browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  async stop(testInfo?: { outputPath(name: string): string; attach(n: string, o: object): Promise<void> }) {
    if (testInfo) {
      const png = await this.window?.takeScreenshot().catch(() => null);
      if (png) {
        const file = testInfo.outputPath("desktop-window.png");
        writeFileSync(file, Buffer.from(png, "base64"));
        await testInfo.attach("desktop-window.png", { path: file, contentType: "image/png" });
      }
      await testInfo.attach("desktop-output.txt", { body: this.output.join(""), contentType: "text/plain" });
    }
    await this.window?.quit().catch(() => {});
    this.driver.kill();
    this.opener.stop();
    // The app exits after its session ends, not with it: until it has, its port is taken and the
    // next test's app cannot start ("cannot listen on 127.0.0.1:3020").
    await expect
      .poll(() => fetch(appUrl).then(() => "still serving", () => "gone"), {
        message: `the desktop app has exited (${appUrl} closed)`,
        timeout: 10_000,
      })
      .toBe("gone");
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export const test = base.extend<{ desktop: Desktop }, { display: string }>({
  display: [
    async ({}, use) => {
      const xvfb = await startXvfb();
      await use(xvfb.display);
      xvfb.child.kill();
    },
    { scope: "worker" },
  ],
  desktop: async ({ display, browser }, use, testInfo) => {
    const desktop = await Desktop.start(display, browser);
    await use(desktop);
    const failed = testInfo.status !== testInfo.expectedStatus;
    await desktop.stop(failed ? testInfo : undefined);
  },
});

// Extra app-server processes started by a test (the stateless tests): the same release binary and
// site as the main test server, on their own port, with the same app secret.
import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import { expect } from "@playwright/test";
import { appSecret } from "../app-env.mjs";
import { root } from "./helpers";

const serverBin = process.env.PORTE_SERVER_BIN ?? `${root}/target/release/server`;

/** One running server process and everything it logged. */
export class Instance {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly output: string[],
  ) {}

  /** Starts the server on `port`, serving the public origin `origin`, with `env` added to its
   *  environment, and waits until it answers. */
  static async start(
    port: number,
    origin = `http://127.0.0.1:${port}`,
    env: Record<string, string> = {},
  ): Promise<Instance> {
    const output: string[] = [];
    const child = spawn(serverBin, [], {
      cwd: root,
      env: {
        ...process.env,
        PORTE_SECRET_KEY: appSecret,
        PORTE_ORIGIN: origin,
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        RUST_LOG: "info",
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d) => output.push(String(d)));
    child.stderr!.on("data", (d) => output.push(String(d)));
    const instance = new Instance(port, child, output);
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => null))?.status ?? 0, {
        message: `server on ${port} answers (log: ${output.join("")})`,
        timeout: 20_000,
      })
      .toBe(200);
    return instance;
  }

  /** Everything the process logged so far. */
  log(): string {
    return this.output.join("");
  }

  /** Stops the process (SIGTERM, as a deploy would) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((done) => this.child.once("exit", done));
    this.child.kill("SIGTERM");
    await exited;
  }
}

/** A minimal load balancer on `port`: each request goes to the instance `pick` names. */
export async function startBalancer(
  port: number,
  pick: (path: string) => Instance,
): Promise<{ close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const target = pick(req.url ?? "/");
    const upstream = http.request(
      { host: "127.0.0.1", port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  await new Promise<void>((ready) => server.listen(port, "127.0.0.1", ready));
  return {
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

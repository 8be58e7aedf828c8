// A real Redis (Debian's redis-server, installed by scripts/setup) started by a test on a free
// loopback port, with no persistence, and stopped or restarted at will.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { expect } from "@playwright/test";

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = net.createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => done(port));
    });
  });
}

/** Whether something accepts connections on `port`. */
async function answers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.end();
      done(true);
    });
    socket.once("error", () => done(false));
  });
}

export class Redis {
  private child: ChildProcess | null = null;
  private constructor(readonly port: number) {}

  /** Starts redis-server on a free port and waits until it accepts connections. */
  static async start(): Promise<Redis> {
    const redis = new Redis(await freePort());
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  /** (Re)starts the server on the same port. */
  async resume(): Promise<void> {
    this.child = spawn("redis-server", ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    this.child.once("error", (e) => {
      throw new Error(`redis-server could not start (run scripts/setup): ${e}`);
    });
    await expect.poll(() => answers(this.port), { message: `redis-server on ${this.port}`, timeout: 10_000 }).toBe(true);
  }

  /** Stops the server (SIGTERM) and waits until it is gone. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child.once("exit", done));
    child.kill("SIGTERM");
    await exited;
  }
}

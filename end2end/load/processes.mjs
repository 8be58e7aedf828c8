// Child processes of the load driver (driver.mjs) and the browser benchmarks (../bench/): the
// local provider in auto-approve mode and the Porte release server, each logging to a file in
// the run's directory, all stopped when this process exits. Readiness is polled.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { newAgent, request } from './http.mjs';

const end2end = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children = [];

/** A process that failed to start or answer; `log` is its log file. */
export class ProcessError extends Error {
  constructor(message, log) {
    super(message);
    this.log = log;
  }
}

/** Sends SIGTERM to every child still running (also on exit and on SIGINT/SIGTERM/SIGHUP). */
export function killChildren() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => { console.error(`${signal}: stopping`); killChildren(); process.exit(130); });
}

/** Stops every child and waits until they are gone. */
export async function stopChildren() {
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  const gone = running.map((c) => new Promise((done) => c.once('exit', done)));
  killChildren();
  await Promise.all(gone);
}

/** The last lines of a log file, for an error message. */
export function logTail(file) {
  try { return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n'); } catch { return ''; }
}

/** Refuses a port someone else listens on (the readiness poll would talk to them). */
export function ensureFree(port) {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', () => reject(new ProcessError(`127.0.0.1:${port} is in use; pick another port (see --help)`)));
    probe.listen(port, '127.0.0.1', () => probe.close(resolve));
  });
}

/** Starts `command`, its output in `<dir>/<name>.log`. */
export function start(name, command, args, { cwd, env, dir }) {
  const log = path.join(dir, `${name}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  child.log = log;
  child.on('exit', (code, signal) => { child.exited = `${name} exited (${signal ?? `code ${code}`})`; });
  child.on('error', (err) => { child.exited = `cannot start ${name}: ${err.message}`; });
  children.push(child);
  return child;
}

/** Polls `url` until it answers 200 (the child must stay alive); resolves to the body. */
export async function waitUntilUp(child, url, timeoutMs = 60_000) {
  const agent = newAgent();
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      if (child.exited) throw new ProcessError(`${child.exited} before answering ${url}`, child.log);
      try {
        const res = await request(agent, 'GET', url);
        if (res.status === 200) return res.body;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new ProcessError(`no answer from ${url} after ${timeoutMs / 1000} s`, child.log);
      await new Promise((r) => setTimeout(r, 100)); // polling interval, not a synchronisation sleep
    }
  } finally {
    agent.destroy();
  }
}

/** A copy of provider/clients.json in `dir` (the file itself stays as it is): Porte's client
 *  with `redirectUris` added, plus `extra` clients. Returns the file and Porte's client. */
export function writeClients(dir, redirectUris, extra = []) {
  const clients = JSON.parse(readFileSync(path.join(end2end, 'provider/clients.json'), 'utf8'));
  const client = clients[0];
  client.redirect_uris = [...client.redirect_uris, ...redirectUris];
  const file = path.join(dir, 'clients.json');
  writeFileSync(file, JSON.stringify([...clients, ...extra], null, 2));
  return { file, client };
}

/** The local provider in auto-approve mode on `port`; resolves to its discovery document. */
export async function startProvider({ dir, port, clientsFile, storeSize = 50_000 }) {
  const provider = start('provider', process.execPath, ['provider/server.mjs'], {
    cwd: end2end,
    dir,
    env: {
      ...process.env, OIDC_PORT: String(port), OIDC_AUTO_APPROVE: '1', OIDC_CLIENTS_FILE: clientsFile,
      OIDC_STORE_SIZE: String(storeSize),
    },
  });
  const discovery = JSON.parse(await waitUntilUp(provider, `http://127.0.0.1:${port}/.well-known/openid-configuration`));
  return { provider, discovery };
}

/** The Porte release server (PORTE_SERVER_BIN) on `port` with the local provider configured. */
export async function startServer({ dir, port, issuer, client, scopes, secret, logLevel = 'info' }) {
  const app = `http://127.0.0.1:${port}`;
  const server = start('server', process.env.PORTE_SERVER_BIN, [], {
    cwd: dir, // no .env from the checkout: only what is set here
    dir,
    env: {
      ...process.env, LEPTOS_SITE_ADDR: `127.0.0.1:${port}`, PORTE_ORIGIN: app,
      PORTE_SECRET_KEY: secret, RUST_LOG: process.env.RUST_LOG ?? logLevel,
      OIDC_LOCAL_ISSUER: issuer, OIDC_LOCAL_CLIENT_ID: client.client_id,
      OIDC_LOCAL_CLIENT_SECRET: client.client_secret, OIDC_LOCAL_SCOPES: scopes,
    },
  });
  await waitUntilUp(server, `${app}/`);
  return server;
}

/** The floor server (PORTE_FLOOR_BIN, end2end/bench/floor-server) on `port` for the local
 *  provider; its redirect URI is `http://127.0.0.1:<port>/cb`. */
export async function startFloor({ dir, port, issuer, client, scopes }) {
  const floor = start('floor', process.env.PORTE_FLOOR_BIN, [], {
    cwd: dir,
    dir,
    env: {
      ...process.env, FLOOR_ADDR: `127.0.0.1:${port}`, FLOOR_ISSUER: issuer,
      FLOOR_CLIENT_ID: client.client_id, FLOOR_CLIENT_SECRET: client.client_secret, FLOOR_SCOPES: scopes,
    },
  });
  await waitUntilUp(floor, `http://127.0.0.1:${port}/`);
  return floor;
}

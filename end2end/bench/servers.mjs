// Processes for the browser benchmarks: the local OpenID provider in auto-approve mode, the Porte
// release server, and a trivial OAuth client (the provider-alone baseline). Each on its own
// port; all stopped by stopAll(). Readiness is polled, never slept for.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const end2end = path.resolve(here, '..');
export const root = path.resolve(end2end, '..');
const children = [];

export const ports = { app: 3200, trivial: 3201, provider: 4210 };
export const origin = (port) => `http://127.0.0.1:${port}`;
export const appSecret = 'bench-only-app-secret-0123456789abcdefghij';

/** The provider's clients for this run: Porte's, and the trivial client's. */
export function clientsFile() {
  const clients = JSON.parse(readFileSync(path.join(end2end, 'provider/clients.json'), 'utf8'));
  const porte = { ...clients[0], redirect_uris: [`${origin(ports.app)}/api/oauth/redirect`] };
  const trivial = {
    ...clients[0],
    client_id: 'bench-trivial',
    client_secret: 'bench-trivial-secret-0123456789abcdef',
    redirect_uris: [`${origin(ports.trivial)}/cb`],
  };
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'porte-bench-')), 'clients.json');
  writeFileSync(file, JSON.stringify([porte, trivial]));
  return { file, porte, trivial };
}

/** Starts a process and waits until `url` answers 200. */
export async function start(name, command, args, env, url) {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.push(child);
  child.on('exit', (code) => {
    if (code && !child.stopping) console.error(`bench: ${name} exited with ${code}`);
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(url).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 50)); // polling interval, not a synchronisation sleep
  }
  throw new Error(`${name} did not answer at ${url}`);
}

/** Stops every process this module started. */
export async function stopAll() {
  await Promise.all(children.splice(0).map((c) => new Promise((done) => {
    if (c.exitCode !== null) return done();
    c.stopping = true;
    c.once('exit', done);
    c.kill('SIGTERM');
  })));
}

/** The provider (auto-approve) and the Porte server, for the page benchmarks. */
export async function startProviderAndApp(clients) {
  const issuer = origin(ports.provider);
  await start('provider', process.execPath, [path.join(end2end, 'provider/server.mjs')], {
    OIDC_PORT: String(ports.provider), OIDC_AUTO_APPROVE: '1', OIDC_CLIENTS_FILE: clients.file,
  }, `${issuer}/.well-known/openid-configuration`);
  const bin = process.env.PORTE_SERVER_BIN ?? path.join(root, 'target/release/server');
  await start('server', bin, [], {
    APP_SECRET_KEY: appSecret,
    APP_ORIGIN: origin(ports.app),
    LEPTOS_SITE_ADDR: `127.0.0.1:${ports.app}`,
    RUST_LOG: 'warn',
    OIDC_LOCAL_ISSUER: issuer,
    OIDC_LOCAL_CLIENT_ID: clients.porte.client_id,
    OIDC_LOCAL_CLIENT_SECRET: clients.porte.client_secret,
    OIDC_LOCAL_SCOPES: 'openid profile email',
  }, `${origin(ports.app)}/`);
}

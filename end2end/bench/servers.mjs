// Processes for the browser benchmarks: the local provider in auto-approve mode and the Porte
// release server (started as the load driver starts them, ../load/processes.mjs), each on its own
// port, plus the trivial client's registration (the provider-alone baseline).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { startProvider, startServer, stopChildren, writeClients } from '../load/processes.mjs';

export const ports = { app: 3200, trivial: 3201, provider: 4210 };
export const origin = (port) => `http://127.0.0.1:${port}`;
export const stopAll = stopChildren;

/** The provider and the Porte server; resolves to the trivial client's registration. */
export async function startProviderAndApp() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'porte-bench-'));
  const trivial = {
    client_id: 'bench-trivial',
    client_secret: 'bench-trivial-secret-0123456789abcdef',
    redirect_uris: [`${origin(ports.trivial)}/cb`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  };
  const { file, client } = writeClients(dir, [`${origin(ports.app)}/api/oauth/redirect`], [trivial]);
  const issuer = origin(ports.provider);
  await startProvider({ dir, port: ports.provider, clientsFile: file });
  await startServer({
    dir, port: ports.app, issuer, client, scopes: 'openid profile email',
    secret: 'bench-only-app-secret-0123456789abcdefghij', logLevel: 'warn',
  });
  return trivial;
}

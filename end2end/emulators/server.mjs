// Offline emulators of the five "Login with X" providers Porte supports, for the
// end-to-end tests and local development (the real providers cannot be reached from
// the test machines), plus a misbehaving OpenID provider for the security and fault
// tests (rogue.mjs). Run: npm run emulators   (self-test: npm run emulators:selftest)
//
// Environment (defaults in brackets):
//   EMULATOR_GITHUB_PORT    [4021]  GitHub (OAuth App; API under /api/v3)
//   EMULATOR_GOOGLE_PORT    [4022]  Google (OIDC)
//   EMULATOR_AZURE_PORT     [4023]  Microsoft Entra ID v2 (+ Graph under /graph)
//   EMULATOR_AUTH0_PORT     [4024]  Auth0
//   EMULATOR_LINKEDIN_PORT  [4025]  LinkedIn (OIDC)
//   EMULATOR_ROGUE_PORT     [4026]  misbehaving OpenID provider (modes: see rogue.mjs;
//                           also registers http://127.0.0.1:3002/api/oauth/redirect)
//   EMULATOR_REDIRECT_URIS  comma-separated redirect URIs registered for every client,
//                           matched exactly [http://127.0.0.1:3000/api/oauth/redirect]
//   EMULATOR_ACCESS_TOKEN_TTL  access token lifetime in seconds, also the expires_in sent
//                           [provider default: GitHub App 28800, Google 3599, Entra 3600,
//                           Auth0 86400, LinkedIn 5184000; GitHub OAuth App tokens never expire]
//   GITHUB_EMULATOR_EXPIRING_TOKENS=1       GitHub App user tokens (ghu_/ghr_, refresh) [off]
//   GITHUB_EMULATOR_MAX_PER_PAGE            page-size cap of /user/teams|repos|orgs [2]
//   GITHUB_EMULATOR_REQUIRE_VERIFIED_EMAIL=1  unverified_user_email for bob [off]
//   AZURE_EMULATOR_COOP=1                   Cross-Origin-Opener-Policy: same-origin [off]
//   AZURE_EMULATOR_PAGE_SIZE                items per Graph /me/memberOf page [2]
//   AUTH0_EMULATOR_END_SESSION=1            /oidc/logout + end_session_endpoint [off]
//
// Every emulator has one client, client_id porte-<name>, client_secret
// porte-<name>-secret-0123456789abcdef (name: github, google, azure, auth0, linkedin, rogue),
// the users alice and bob (users.mjs; the rogue one approves alice at once), and the
// test hooks under /_emulator/ (health, last-authorize, last-token-request, last-logout,
// reset, expire-access-tokens; the rogue one also /_emulator/rogue/mode and .../stats).
// All listen on 127.0.0.1 only. Logs "<name> emulator listening on <origin>" per server.
import { envInt, envRedirectUris } from './common.mjs';
import * as auth0 from './auth0.mjs';
import * as azure from './azure.mjs';
import * as github from './github.mjs';
import * as google from './google.mjs';
import * as linkedin from './linkedin.mjs';
import * as rogue from './rogue.mjs';

const EMULATORS = [
  ['GitHub', github, 'EMULATOR_GITHUB_PORT', 4021],
  ['Google', google, 'EMULATOR_GOOGLE_PORT', 4022],
  ['Azure', azure, 'EMULATOR_AZURE_PORT', 4023],
  ['Auth0', auth0, 'EMULATOR_AUTH0_PORT', 4024],
  ['LinkedIn', linkedin, 'EMULATOR_LINKEDIN_PORT', 4025],
  ['Rogue', rogue, 'EMULATOR_ROGUE_PORT', 4026],
];

function fail(message) {
  console.error(`provider emulators: ${message}`);
  process.exit(1);
}

let redirectUris;
let ports;
try {
  redirectUris = envRedirectUris();
  for (const uri of redirectUris) new URL(uri); // eslint-disable-line no-new
  ports = EMULATORS.map(([, , name, fallback]) => envInt(name, fallback));
} catch (err) {
  fail(err.message);
}

const servers = EMULATORS.map(([name, module], i) => {
  let server;
  try {
    server = module.start({ port: ports[i], redirectUris });
  } catch (err) {
    fail(`${name}: ${err.message}`);
  }
  server.on('listening', () => console.log(`${name} emulator listening on http://127.0.0.1:${server.address().port}`));
  server.on('error', (err) => fail(`${name} emulator on port ${ports[i]}: ${err.message}`));
  return server;
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`provider emulators: ${signal}, shutting down`);
  for (const server of servers) {
    server.close();
    server.closeAllConnections(); // do not wait for idle keep-alive connections
  }
  process.exit(0);
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

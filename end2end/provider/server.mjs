// Local OpenID Connect provider for Porte's end-to-end tests and dev run.
// Built on oidc-provider's own Koa app (version pinned in ../package.json) plus
// our login/consent pages (interactions.mjs, views.mjs). Run: npm run provider
//
// Environment (defaults in brackets):
//   OIDC_PORT              port to bind on 127.0.0.1 [4010]
//   OIDC_ISSUER            issuer identifier, origin only [http://127.0.0.1:${OIDC_PORT}]
//   OIDC_USERS_FILE        users JSON [provider/users.json]
//   OIDC_CLIENTS_FILE      clients JSON (oidc-provider client metadata) [provider/clients.json]
//   OIDC_ACCESS_TOKEN_TTL  access token lifetime in seconds [3600]
//   OIDC_AUTO_APPROVE=1    TEST ONLY: sign in login_hint (or the first user) and grant
//                          consent without showing any page [off]
//   OIDC_COOP              value for Cross-Origin-Opener-Policy on the HTML pages,
//                          e.g. same-origin [off]
//   OIDC_STORE_SIZE        in-memory store size (entries kept: 1x to 2x this) [50000]
//   OIDC_TEST_HOOKS=1      TEST ONLY: PUT /_test/users/<username>/groups with a JSON array
//                          replaces that user's groups, as an administrator would [off]
//
// What a client must send (authorization code flow only):
//   GET /auth?response_type=code&client_id=..&redirect_uri=..&scope=openid ..&state=..
//       &code_challenge=<S256 of verifier>&code_challenge_method=S256
//   - PKCE is required for every client, S256 only; code_challenge_method must be
//     sent explicitly (there is no default to "plain").
//   - redirect_uri must be sent (the client has more than one registered).
//   - offline_access (a refresh token) is only honoured when the request also has
//     prompt=consent; otherwise oidc-provider silently drops offline_access from
//     the requested scopes and no refresh token is issued.
//   - The redirect back carries code, state and iss (RFC 9207).
// Refresh tokens rotate on every use. Presenting an already-used refresh token
// fails with invalid_grant (error_description "grant request is invalid"; the log
// says "refresh token already used") and revokes the whole grant, so the newest
// refresh token and the grant's access tokens stop working too.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider from 'oidc-provider';
// oidc-provider's own in-memory adapter, with a bigger store than its default
// (1000 entries) so that load benchmarks do not evict live tokens.
import MemoryAdapter from 'oidc-provider/lib/adapters/memory_adapter.js';
import LRU from 'oidc-provider/lib/helpers/lru.js';

import { interactionRoutes } from './interactions.mjs';
import { errorPage, loggedOutPage, logoutPage } from './views.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;

function fail(message) {
  console.error(`local OpenID provider: ${message}`);
  process.exit(1);
}

function positiveInt(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) fail(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function readJson(name, fallback) {
  const file = env[name] ? path.resolve(env[name]) : path.join(here, fallback);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    return fail(`cannot read ${name} (${file}): ${err.message}`);
  }
}

const port = positiveInt('OIDC_PORT', 4010);
const issuer = (env.OIDC_ISSUER || `http://127.0.0.1:${port}`).replace(/\/+$/, '');
const accessTokenTtl = positiveInt('OIDC_ACCESS_TOKEN_TTL', 3600);
const storeSize = positiveInt('OIDC_STORE_SIZE', 50000);
const autoApprove = env.OIDC_AUTO_APPROVE === '1' || env.OIDC_AUTO_APPROVE === 'true';
const coop = env.OIDC_COOP || undefined;
const testHooks = env.OIDC_TEST_HOOKS === '1';

try {
  const url = new URL(issuer);
  if (url.pathname !== '/' || url.search || url.hash) throw new Error('must be an origin without a path');
} catch (err) {
  fail(`OIDC_ISSUER "${issuer}" is invalid: ${err.message}`);
}

const users = readJson('OIDC_USERS_FILE', 'users.json');
if (!Array.isArray(users) || users.length === 0) fail('the users file must be a non-empty JSON array');
for (const user of users) {
  for (const field of ['sub', 'preferred_username', 'password', 'name']) {
    if (typeof user[field] !== 'string' || !user[field]) fail(`every user needs a string "${field}"`);
  }
  // A picture given as a path is served by this provider (see interactions.mjs).
  user.picture = user.picture ? new URL(user.picture, `${issuer}/`).href : `${issuer}/avatars/${encodeURIComponent(user.preferred_username)}.svg`;
  user.groups ??= [];
}
const usersBySub = new Map(users.map((u) => [u.sub, u]));

const clients = readJson('OIDC_CLIENTS_FILE', 'clients.json');
if (!Array.isArray(clients) || clients.length === 0) fail('the clients file must be a non-empty JSON array');

// Signing key: fresh RSA key per start, RS256.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };

const store = new LRU({ maxSize: storeSize });
const DAY = 24 * 60 * 60;

const configuration = {
  adapter: (model) => new MemoryAdapter(model, store, 15),
  // Everything runs on one machine with one clock. The default (15 s) would keep
  // an access token usable for 15 s past its expiry, which defeats tests that
  // set OIDC_ACCESS_TOKEN_TTL to a few seconds.
  clockTolerance: 0,
  clients,
  jwks: { keys: [signingKey] },
  cookies: {
    // Random per start. Distinct names: cookies ignore the port, so the app on
    // 127.0.0.1:3000 sees these too.
    keys: [randomBytes(32).toString('base64url')],
    names: {
      session: 'oidc_op_session',
      interaction: 'oidc_op_interaction',
      resume: 'oidc_op_interaction_resume',
    },
  },
  claims: {
    openid: ['sub'],
    profile: ['name', 'preferred_username', 'picture'],
    email: ['email', 'email_verified'],
    groups: ['groups'],
  },
  scopes: ['openid', 'profile', 'email', 'offline_access', 'groups'],
  responseTypes: ['code'],
  pkce: { required: () => true },
  rotateRefreshToken: true,
  enabledJWA: {
    idTokenSigningAlgValues: ['RS256'],
    userinfoSigningAlgValues: ['RS256'],
    authorizationSigningAlgValues: ['RS256'],
    introspectionSigningAlgValues: ['RS256'],
  },
  features: {
    devInteractions: { enabled: false },
    resourceIndicators: { enabled: false },
    revocation: {
      enabled: true,
      allowedPolicy: async (ctx, client, token) => token.clientId === client.clientId,
    },
    rpInitiatedLogout: {
      enabled: true,
      logoutSource: async (ctx, form) => { ctx.type = 'html'; ctx.body = logoutPage(form, ctx.host, autoApprove); },
      postLogoutSuccessSource: async (ctx) => {
        ctx.type = 'html';
        ctx.body = loggedOutPage(ctx.oidc.client?.clientId);
      },
    },
  },
  ttl: {
    AccessToken: accessTokenTtl,
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 14 * DAY,
    Interaction: 3600,
    Session: 14 * DAY,
    Grant: 14 * DAY,
  },
  clientBasedCORS: (ctx, origin, client) => origin !== 'null'
    && client.redirectUris.some((uri) => new URL(uri).origin === origin),
  async findAccount(ctx, sub) {
    const user = usersBySub.get(sub);
    if (!user) return undefined;
    return {
      accountId: user.sub,
      async claims() {
        return {
          sub: user.sub,
          name: user.name,
          preferred_username: user.preferred_username,
          email: user.email,
          email_verified: user.email_verified,
          picture: user.picture,
          groups: user.groups,
        };
      },
    };
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = errorPage(out.error, out.error_description);
  },
};

const provider = new Provider(issuer, configuration);
provider.use(interactionRoutes(provider, { issuer, users, autoApprove, coop }));

// Log errors by code and description only: never tokens, codes or secrets.
for (const event of ['authorization.error', 'grant.error', 'userinfo.error', 'revocation.error',
  'end_session.error', 'discovery.error', 'jwks.error', 'pushed_authorization_request.error']) {
  provider.on(event, (ctx, err) => {
    const detail = [err.error_description, err.error_detail].filter(Boolean).join('; ');
    console.warn(`${event}: ${err.error ?? 'error'}${detail ? ` (${detail})` : ''}`);
  });
}
provider.on('grant.revoked', () => console.warn('grant revoked'));
provider.on('server_error', (ctx, err) => console.error('server_error:', err));

if (autoApprove) {
  console.warn('*'.repeat(72));
  console.warn('WARNING: OIDC_AUTO_APPROVE is on. Every authorization request is signed in');
  console.warn('and consented WITHOUT any page. For load tests only, never for real use.');
  console.warn('*'.repeat(72));
}

// TEST ONLY (OIDC_TEST_HOOKS=1): an administrator changes a user's groups; the next userinfo
// (a sign-in, or a client reading them again after a refresh) has the new list.
async function testHook(req, res) {
  const m = /^\/_test\/users\/([^/]+)\/groups$/.exec(new URL(req.url, issuer).pathname);
  if (!testHooks || !m || req.method !== 'PUT') return false;
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const user = users.find((u) => u.preferred_username === decodeURIComponent(m[1]));
  let groups;
  try {
    groups = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    groups = undefined;
  }
  const ok = user && Array.isArray(groups) && groups.every((g) => typeof g === 'string');
  if (ok) user.groups = groups;
  res.writeHead(ok ? 204 : 400).end();
  return true;
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  if (!(await testHook(req, res))) callback(req, res);
});
server.on('error', (err) => fail(`cannot listen on 127.0.0.1:${port}: ${err.message}`));
server.listen(port, '127.0.0.1', () => {
  console.log(`local OpenID provider listening on ${issuer}`);
});

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`local OpenID provider stopping (${signal})`);
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

// Misbehaving OpenID provider emulator ("rogue"): a small, correct OpenID provider by
// default that a test can tell to misbehave, one way at a time, to show that Porte refuses
// forged ID tokens and survives provider faults. Not modelled on any real provider.
//
// Options of start() (env var, default):
//   port             [EMULATOR_ROGUE_PORT, 4026]
//   redirectUris     registered redirect URIs (exact match); the app server of the fault
//                    tests, http://127.0.0.1:3002/api/oauth/redirect, is always added
//
// Issuer http://127.0.0.1:<port>; client porte-rogue / porte-rogue-secret-0123456789abcdef
// (client_secret_basic or client_secret_post); one user, alice, approved at once:
//   GET  /.well-known/openid-configuration   RS256 only, PKCE S256 only, RFC 9207 iss
//   GET  /jwks                                the published keys
//   GET  /authorize                           302 to redirect_uri with code, state, iss
//   POST /token                               authorization_code + PKCE S256 + client auth
//   GET  /userinfo                            Bearer access token
//   GET  /broken/.well-known/openid-configuration   a second issuer (…/broken) that never
//        serves a usable document: 404 normally, the discovery-* faults below otherwise
//        (the app's cached discovery of the main issuer cannot hide them).
//
// Test hooks (besides the common ones in common.mjs):
//   POST /_emulator/rogue/mode   {"mode": "<mode>"}; "reset" = normal again, counters zeroed,
//                                hanging requests dropped. Answers {"mode": ...}.
//   GET  /_emulator/rogue/stats  counters: discovery, brokenDiscovery, jwks, authorize, token,
//                                userinfo, faults (misbehaviours served), hung (requests left
//                                hanging), stolen {requests, withAuthorization,
//                                withClientSecret, withCode}.
//   ANY  /_emulator/rogue/stolen the target of token-307: records what arrives there.
//
// Modes. ID token (signed with the published key unless said otherwise):
//   wrong-iss, wrong-aud, multi-aud-no-azp (aud [client, other], no azp), expired (exp an
//   hour ago), iat-future (iat in an hour), wrong-nonce, alg-none (unsigned),
//   hs256-public-key (HMAC keyed with the RSA public key PEM, real kid), bad-signature
//   (one byte flipped), unknown-kid (signed with a key never published),
//   rotate-keys (a new key signs AND is published, before the old one: the positive case),
//   userinfo-sub-mismatch (userinfo answers another sub).
// Token endpoint: token-307 (307 to /_emulator/rogue/stolen), token-500 (HTML 500),
//   token-malformed-json (truncated JSON, HTTP 200), token-200-error ({"error":
//   "invalid_grant",…} with HTTP 200), token-hang (never answers), token-close (socket
//   destroyed: the provider goes down mid-login).
// JWKS (the ID token is signed with a fresh, unpublished key so a client's cached JWKS misses
//   and it must fetch again): jwks-malformed (truncated JSON), jwks-empty ({"keys": []}).
// Discovery of …/broken: discovery-500, discovery-malformed, discovery-hang.
import {
  NO_STORE, atHash, clientAuth, envInt, newContext, nowSeconds, parseBearer, randomToken, readBody,
  recordToken, redeemCode, redirect, sendHtml, sendJson, sendText, serve, splitScopes, withParams,
} from './common.mjs';
import { badSignature, hmacWithPublicKey, jwks, newKey, signRs256, unsigned } from './rogue-tokens.mjs';

export const ROGUE_APP_REDIRECT = 'http://127.0.0.1:3002/api/oauth/redirect';
const USER = { sub: 'rogue-alice', name: 'Alice Liddell', preferred_username: 'alice', email: 'alice@rogue.example', email_verified: true };
const OTHER_SUB = 'rogue-mallory';

const ID_TOKEN_MODES = ['wrong-iss', 'wrong-aud', 'multi-aud-no-azp', 'expired', 'iat-future', 'wrong-nonce', 'alg-none',
  'hs256-public-key', 'bad-signature', 'unknown-kid', 'rotate-keys', 'userinfo-sub-mismatch'];
const TOKEN_MODES = ['token-307', 'token-500', 'token-malformed-json', 'token-200-error', 'token-hang', 'token-close'];
const JWKS_MODES = ['jwks-malformed', 'jwks-empty'];
const DISCOVERY_MODES = ['discovery-500', 'discovery-malformed', 'discovery-hang'];
export const MODES = ['normal', ...ID_TOKEN_MODES, ...TOKEN_MODES, ...JWKS_MODES, ...DISCOVERY_MODES];

const freshStats = () => ({
  discovery: 0, brokenDiscovery: 0, jwks: 0, authorize: 0, token: 0, userinfo: 0, faults: 0, hung: 0,
  stolen: { requests: 0, withAuthorization: 0, withClientSecret: 0, withCode: 0 },
});

const SERVER_ERROR_PAGE = '<!doctype html><html><head><title>500 Internal Server Error</title></head>'
  + '<body><h1>Internal Server Error</h1></body></html>\n';

export function start({ port = envInt('EMULATOR_ROGUE_PORT', 4026), redirectUris = [] } = {}) {
  const ctx = newContext({ id: 'rogue', redirectUris: [...new Set([...redirectUris, ROGUE_APP_REDIRECT])] });
  const primary = newKey();
  // What the mode changed: the signing key, the published keys, requests left hanging.
  const state = { mode: 'normal', signer: null, published: null, stray: null, hanging: new Set(), stats: freshStats() };

  async function setMode(mode) {
    for (const res of state.hanging) res.socket?.destroy();
    state.hanging.clear();
    state.mode = mode === 'reset' ? 'normal' : mode;
    state.signer = await primary;
    state.published = [state.signer];
    state.stray = null;
    if (mode === 'reset') state.stats = freshStats();
    if (mode === 'rotate-keys') {
      state.signer = await newKey();
      state.published = [state.signer, await primary];
    }
    if (mode === 'unknown-kid' || JWKS_MODES.includes(mode)) state.stray = await newKey();
  }
  const ready = setMode('reset');

  const fault = () => { state.stats.faults += 1; };
  const hang = (res) => { state.stats.hung += 1; state.hanging.add(res); res.on('close', () => state.hanging.delete(res)); };
  const is = (mode) => state.mode === mode;

  const discovery = () => {
    const b = ctx.base();
    return {
      issuer: b,
      authorization_endpoint: `${b}/authorize`,
      token_endpoint: `${b}/token`,
      userinfo_endpoint: `${b}/userinfo`,
      jwks_uri: `${b}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'email'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code'],
      authorization_response_iss_parameter_supported: true,
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'nonce', 'azp', 'at_hash', 'name', 'preferred_username', 'email', 'email_verified'],
    };
  };

  function brokenDiscovery(res) {
    state.stats.brokenDiscovery += 1;
    if (!DISCOVERY_MODES.includes(state.mode)) return sendText(res, 404, 'Not Found: this issuer only ever misbehaves');
    fault();
    if (is('discovery-500')) return sendHtml(res, 500, SERVER_ERROR_PAGE);
    if (is('discovery-malformed')) return send200(res, `{"issuer": "${ctx.base()}/broken", "authorization_endpoint": `);
    return hang(res); // discovery-hang
  }

  function serveJwks(res) {
    state.stats.jwks += 1;
    if (is('jwks-malformed')) { fault(); return send200(res, '{"keys": [{"kty": "RSA", "kid": '); }
    if (is('jwks-empty')) { fault(); return sendJson(res, 200, { keys: [] }); }
    return sendJson(res, 200, jwks(state.published));
  }

  // Always 200 application/json, whatever the body (truncated JSON for the malformed modes).
  function send200(res, body) {
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', ...NO_STORE });
    res.end(body);
  }

  function authorize(res, url) {
    state.stats.authorize += 1;
    const q = Object.fromEntries(url.searchParams);
    ctx.last.authorize = { ...q };
    if (q.client_id !== ctx.client.id) return sendText(res, 400, `Unknown client "${q.client_id ?? ''}"`);
    if (!ctx.redirectUris.includes(q.redirect_uri)) return sendText(res, 400, `Unregistered redirect_uri "${q.redirect_uri ?? ''}"`);
    const back = (params) => redirect(res, withParams(q.redirect_uri, { ...params, state: q.state, iss: ctx.base() }));
    if (q.response_type !== 'code') return back({ error: 'unsupported_response_type', error_description: 'Only response_type=code.' });
    if (!splitScopes(q.scope).includes('openid')) return back({ error: 'invalid_scope', error_description: 'openid is required.' });
    if (q.code_challenge_method !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(q.code_challenge ?? '')) {
      return back({ error: 'invalid_request', error_description: 'PKCE with code_challenge_method=S256 is required.' });
    }
    const code = ctx.store.issueCode({
      clientId: ctx.client.id, redirectUri: q.redirect_uri, redirectUriSent: true, username: 'alice',
      scope: q.scope, nonce: q.nonce, challenge: q.code_challenge, method: 'S256',
    });
    return back({ code });
  }

  // The ID token of this response, as the current mode wants it.
  async function idToken(accessToken, nonce) {
    const now = nowSeconds();
    const claims = {
      iss: ctx.base(), sub: USER.sub, aud: ctx.client.id, iat: now, exp: now + 3600, auth_time: now,
      at_hash: atHash(accessToken), name: USER.name, email: USER.email, email_verified: USER.email_verified,
    };
    if (nonce !== undefined) claims.nonce = nonce;
    const forged = {
      'wrong-iss': () => { claims.iss = 'https://rogue-issuer.example'; },
      'wrong-aud': () => { claims.aud = 'porte-someone-else'; },
      'multi-aud-no-azp': () => { claims.aud = [ctx.client.id, 'porte-someone-else']; },
      expired: () => { Object.assign(claims, { iat: now - 7200, auth_time: now - 7200, exp: now - 3600 }); },
      'iat-future': () => { Object.assign(claims, { iat: now + 3600, exp: now + 7200 }); },
      'wrong-nonce': () => { claims.nonce = 'not-the-nonce-of-this-login'; },
    }[state.mode];
    if (forged) { forged(); fault(); }
    const key = state.signer;
    switch (state.mode) {
      case 'alg-none': fault(); return unsigned(claims, key);
      case 'hs256-public-key': fault(); return hmacWithPublicKey(claims, key);
      case 'bad-signature': fault(); return badSignature(claims, key);
      case 'unknown-kid': case 'jwks-malformed': case 'jwks-empty': fault(); return signRs256(claims, state.stray);
      case 'rotate-keys': fault(); return signRs256(claims, key);
      default: return signRs256(claims, key);
    }
  }

  async function token(req, res) {
    state.stats.token += 1;
    const body = (await readBody(req)).params;
    const auth = clientAuth(req, body, ctx.client);
    recordToken(ctx, req, body, auth.method);
    if (TOKEN_MODES.includes(state.mode)) {
      fault();
      if (is('token-307')) {
        res.writeHead(307, { Location: `${ctx.base()}/_emulator/rogue/stolen`, 'Cache-Control': 'no-store' });
        return res.end();
      }
      if (is('token-500')) return sendHtml(res, 500, SERVER_ERROR_PAGE);
      if (is('token-malformed-json')) return send200(res, '{"access_token": "rogue-at-1", "token_type": "Bearer", "id_tok');
      if (is('token-200-error')) {
        return sendJson(res, 200, { error: 'invalid_grant', error_description: 'The authorization code has expired or was already used.' }, NO_STORE);
      }
      if (is('token-close')) return req.socket.destroy();
      return hang(res); // token-hang
    }
    const fail = (status, error, description) => sendJson(res, status, { error, error_description: description }, NO_STORE);
    if (!auth.ok) return fail(401, 'invalid_client', 'Client authentication failed.');
    if (body.grant_type !== 'authorization_code') return fail(400, 'unsupported_grant_type', 'Only authorization_code.');
    const result = redeemCode(ctx, body);
    if (result.error) return fail(400, 'invalid_grant', `Code refused (${result.error}).`);
    const access = randomToken('rogue-at-', 40);
    const scopes = splitScopes(result.data.scope);
    ctx.store.add(access, { kind: 'access', username: 'alice', scopes, clientId: ctx.client.id, grant: result.grant, ttl: 3600 });
    const response = { access_token: access, token_type: 'Bearer', expires_in: 3600, scope: scopes.join(' ') };
    response.id_token = await idToken(access, result.data.nonce);
    return sendJson(res, 200, response, NO_STORE);
  }

  function userinfo(req, res) {
    state.stats.userinfo += 1;
    if (!ctx.store.find(parseBearer(req.headers.authorization), 'access')) {
      return sendJson(res, 401, { error: 'invalid_token' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    }
    if (is('userinfo-sub-mismatch')) { fault(); return sendJson(res, 200, { ...USER, sub: OTHER_SUB }); }
    return sendJson(res, 200, USER);
  }

  // Whatever arrives at the 307 target: a client that follows the redirect resends here.
  async function stolen(req, res) {
    const body = (await readBody(req).catch(() => ({ params: {} }))).params;
    const s = state.stats.stolen;
    s.requests += 1;
    if (req.headers.authorization) s.withAuthorization += 1;
    if (body.client_secret !== undefined || req.headers.authorization) s.withClientSecret += 1;
    if (body.code !== undefined) s.withCode += 1;
    return sendJson(res, 200, { access_token: 'stolen', token_type: 'Bearer' });
  }

  ctx.hooks = async (req, res, url) => {
    if (!url.pathname.startsWith('/_emulator/rogue/')) return false;
    await ready;
    const route = `${req.method} ${url.pathname}`;
    if (url.pathname === '/_emulator/rogue/stolen') await stolen(req, res);
    else if (route === 'GET /_emulator/rogue/stats') sendJson(res, 200, { mode: state.mode, ...state.stats });
    else if (route === 'POST /_emulator/rogue/mode') {
      const { mode } = (await readBody(req)).params;
      if (mode !== 'reset' && !MODES.includes(mode)) {
        sendJson(res, 400, { error: `unknown mode ${JSON.stringify(mode)}`, modes: ['reset', ...MODES] });
      } else {
        await setMode(mode);
        sendJson(res, 200, { mode: state.mode });
      }
    } else sendText(res, 404, 'Not Found');
    return true;
  };

  async function handle(req, res, url) {
    await ready;
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /.well-known/openid-configuration': state.stats.discovery += 1; sendJson(res, 200, discovery()); break;
      case 'GET /broken/.well-known/openid-configuration': brokenDiscovery(res); break;
      case 'GET /jwks': serveJwks(res); break;
      case 'GET /authorize': authorize(res, url); break;
      case 'POST /token': await token(req, res); break;
      case 'GET /userinfo': case 'POST /userinfo': userinfo(req, res); break;
      default: return false;
    }
    return true;
  }

  const server = serve({ name: 'Rogue', port, handle, ctx });
  server.on('close', () => { for (const res of state.hanging) res.socket?.destroy(); });
  return server;
}

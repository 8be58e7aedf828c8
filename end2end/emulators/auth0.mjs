// Auth0 emulator (one tenant, one Regular Web Application). Stands in for
// https://{tenant}.auth0.com. Wire formats follow shared/notes/research.md 4.4.
//
// Options of start() (env var, default):
//   port            [4024]
//   redirectUris    Allowed Callback URLs, exact match [EMULATOR_REDIRECT_URIS]; their
//                   origins also serve as the Allowed Logout URLs
//   endSession      AUTH0_EMULATOR_END_SESSION=1 -> /oidc/logout exists and is listed as
//                   end_session_endpoint in discovery (the tenant toggle) [off]
//   accessTokenTtl  EMULATOR_ACCESS_TOKEN_TTL: access token lifetime, also expires_in [86400]
//
// Quirks reproduced:
//   - issuer has a TRAILING SLASH: http://127.0.0.1:<port>/ (also in ID tokens).
//   - ID token / userinfo carry the namespaced custom claim https://porte.test/groups.
//   - offline_access -> refresh token; rotation with reuse detection: presenting a
//     used refresh token -> 403 invalid_grant and the whole refresh-token family is
//     revoked (access tokens already issued stay valid, as Auth0's JWTs would).
//   - invalid_grant is HTTP 403; bad client credentials are 401 access_denied.
//   - Token endpoint takes form or JSON bodies; client_secret_post or basic.
//   - With `audience` at /authorize the access token is a signed JWT for that API
//     (aud [audience, <issuer>userinfo]); without it an opaque userinfo-only token.
//   - Logout: legacy GET /v2/logout?client_id&returnTo (always), GET /oidc/logout only
//     when endSession is on.
import { randomUUID } from 'node:crypto';

import { decodeJwt } from 'jose';

import {
  DEFAULT_REDIRECT_URIS, NO_STORE, authorize, clientAuth, createSigner, envFlag, envInt, messagePage, newContext,
  nowSeconds, parseBearer, randomToken, readBody, recordToken, redeemCode, redirect, sameOriginAsRedirects, sendHtml,
  sendJson, sendText, serve, splitScopes, withParams,
} from './common.mjs';
import { avatarUrl, findUser } from './users.mjs';

const GROUPS_CLAIM = 'https://porte.test/groups';

export function start({
  port = 4024,
  redirectUris = DEFAULT_REDIRECT_URIS,
  endSession = envFlag('AUTH0_EMULATOR_END_SESSION'),
  accessTokenTtl = envInt('EMULATOR_ACCESS_TOKEN_TTL', 86400),
} = {}) {
  const ctx = newContext({ id: 'auth0', redirectUris });
  const signer = createSigner();
  const issuer = () => `${ctx.base()}/`;

  function discovery() {
    const b = ctx.base();
    const doc = {
      issuer: issuer(),
      authorization_endpoint: `${b}/authorize`,
      token_endpoint: `${b}/oauth/token`,
      device_authorization_endpoint: `${b}/oauth/device/code`,
      userinfo_endpoint: `${b}/userinfo`,
      mfa_challenge_endpoint: `${b}/mfa/challenge`,
      jwks_uri: `${b}/.well-known/jwks.json`,
      registration_endpoint: `${b}/oidc/register`,
      revocation_endpoint: `${b}/oauth/revoke`,
      scopes_supported: ['openid', 'profile', 'offline_access', 'name', 'given_name', 'family_name', 'nickname', 'email', 'email_verified', 'picture', 'created_at', 'identities', 'phone', 'address'],
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token'],
      code_challenge_methods_supported: ['S256', 'plain'],
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
      claims_supported: ['aud', 'auth_time', 'created_at', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'identities', 'iss', 'name', 'nickname', 'phone_number', 'picture', 'sub'],
      request_uri_parameter_supported: false,
      request_parameter_supported: false,
      id_token_signing_alg_values_supported: ['HS256', 'RS256', 'PS256'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'PS256'],
    };
    if (endSession) doc.end_session_endpoint = `${b}/oidc/logout`;
    return doc;
  }

  const authorizeSpec = {
    provider: 'Auth0',
    responseType: true,
    pkce: ['S256', 'plain'], // Auth0 advertises both in discovery
    cancel: { error: 'access_denied', error_description: 'User did not authorize the request' },
    pages: {
      unknownClient: (id) => `Oops!, something went wrong. invalid_request: Unknown client: ${id}`,
      badRedirect: (uri) => `Callback URL mismatch. The provided redirect_uri (${uri}) is not in the list of allowed callback URLs.`,
    },
    validate: (request) => (request.response_mode && request.response_mode !== 'query'
      ? { error: 'invalid_request', error_description: `this emulator only supports response_mode=query (got "${request.response_mode}")` }
      : undefined),
    codeExtras: (request) => ({ audience: request.audience }),
  };

  // Profile claims by scope, as in Auth0's ID tokens and /userinfo.
  function profileClaims(user, scopes) {
    const a = user.auth0;
    const out = { [GROUPS_CLAIM]: a.groups }; // added by a (pretend) post-login Action
    if (scopes.includes('profile')) Object.assign(out, { nickname: a.nickname, name: user.name, picture: avatarUrl(ctx.base(), user.username), updated_at: a.updatedAt });
    if (scopes.includes('email')) Object.assign(out, { email: user.email, email_verified: user.emailVerified });
    return out;
  }

  async function issue(username, scopes, grant, { nonce, audience, refreshFamily }) {
    const user = findUser(username);
    const now = nowSeconds();
    const s = await signer;
    let access;
    if (audience) {
      access = await s.signIdToken({
        iss: issuer(), sub: user.auth0.sub, aud: scopes.includes('openid') ? [audience, `${issuer()}userinfo`] : audience,
        iat: now, exp: now + accessTokenTtl, scope: scopes.join(' '), azp: ctx.client.id,
      });
    } else {
      access = randomToken('', 32);
    }
    ctx.store.add(access, { kind: 'access', username, scopes, clientId: ctx.client.id, grant, ttl: accessTokenTtl, audience });
    const response = { access_token: access };
    if (scopes.includes('offline_access')) {
      response.refresh_token = randomToken('v1.M', 120);
      ctx.store.add(response.refresh_token, { kind: 'refresh', username, scopes, clientId: ctx.client.id, grant, audience, family: refreshFamily ?? grant, ttl: null });
    }
    if (scopes.includes('openid')) {
      const payload = { ...profileClaims(user, scopes), iss: issuer(), aud: ctx.client.id, sub: user.auth0.sub, iat: now, exp: now + 3600, sid: randomUUID() };
      if (nonce !== undefined) payload.nonce = nonce;
      response.id_token = await s.signIdToken(payload);
    }
    Object.assign(response, { scope: scopes.join(' '), expires_in: accessTokenTtl, token_type: 'Bearer' });
    return response;
  }

  async function token(req, res) {
    const body = (await readBody(req)).params;
    const auth = clientAuth(req, body, ctx.client);
    recordToken(ctx, req, body, auth.method);
    const fail = (status, error, description) => sendJson(res, status, { error, error_description: description }, NO_STORE);
    if (!auth.ok) return fail(401, 'access_denied', 'Unauthorized');

    if (body.grant_type === 'authorization_code') {
      const result = redeemCode(ctx, body);
      if (result.error === 'redirect_mismatch') return fail(403, 'invalid_grant', 'Invalid redirect_uri');
      if (result.error === 'pkce_missing' || result.error === 'pkce_mismatch') return fail(403, 'invalid_grant', 'Failed to verify code verifier');
      if (result.error) return fail(403, 'invalid_grant', 'Invalid authorization code');
      const { username, scope, nonce, audience } = result.data;
      return sendJson(res, 200, await issue(username, splitScopes(scope), result.grant, { nonce, audience }), NO_STORE);
    }
    if (body.grant_type === 'refresh_token') {
      const { rec, problem } = ctx.store.check(body.refresh_token, 'refresh');
      if (problem === 'revoked' && rec.rotated) {
        // Reuse detection: a rotated token came back -> revoke the whole family.
        ctx.store.revokeWhere((r) => r.kind === 'refresh' && r.family === rec.family);
      }
      if (problem || rec.clientId !== ctx.client.id) return fail(403, 'invalid_grant', 'Unknown or invalid refresh token.');
      rec.revoked = true;
      rec.rotated = true;
      return sendJson(res, 200, await issue(rec.username, rec.scopes, rec.grant, { audience: rec.audience, refreshFamily: rec.family }), NO_STORE);
    }
    return fail(403, 'unsupported_grant_type', `Grant type '${body.grant_type ?? ''}' not allowed for the client.`);
  }

  function userinfo(req, res) {
    const rec = ctx.store.find(parseBearer(req.headers.authorization), 'access');
    if (!rec) return sendText(res, 401, 'Unauthorized', { 'WWW-Authenticate': 'Bearer error="invalid_token"' });
    const user = findUser(rec.username);
    const { [GROUPS_CLAIM]: groups, ...profile } = profileClaims(user, rec.scopes);
    return sendJson(res, 200, { sub: user.auth0.sub, ...profile, [GROUPS_CLAIM]: groups });
  }

  async function revoke(req, res) {
    const body = (await readBody(req)).params;
    const auth = clientAuth(req, body, ctx.client);
    if (!auth.ok) return sendJson(res, 401, { error: 'access_denied', error_description: 'Unauthorized' });
    if (!body.token) return sendJson(res, 400, { error: 'invalid_request', error_description: 'Missing required parameter: token' });
    const rec = ctx.store.tokens.get(body.token);
    if (rec && rec.clientId === ctx.client.id) {
      if (rec.kind === 'refresh') ctx.store.revokeGrant(rec.grant); // the grant and everything issued from it
      else rec.revoked = true;
    }
    res.writeHead(200); // 200 with an empty body, also for unknown tokens (RFC 7009)
    return res.end();
  }

  function legacyLogout(res, url) {
    const params = Object.fromEntries(url.searchParams);
    ctx.last.logout = { endpoint: '/v2/logout', ...params };
    if (params.returnTo === undefined) return sendText(res, 200, 'OK');
    if (params.client_id !== undefined && params.client_id !== ctx.client.id) return sendText(res, 400, `invalid_request: Unknown client: ${params.client_id}`);
    if (!sameOriginAsRedirects(params.returnTo, ctx.redirectUris)) {
      return sendText(res, 400, `invalid_request: The "returnTo" querystring parameter "${params.returnTo}" is not defined as a valid URL in "Allowed Logout URLs".`);
    }
    return redirect(res, params.returnTo);
  }

  async function oidcLogout(req, res, url) {
    const params = Object.fromEntries(url.searchParams);
    if (req.method === 'POST') Object.assign(params, (await readBody(req)).params);
    ctx.last.logout = { endpoint: '/oidc/logout', ...params };
    const bad = (text) => sendHtml(res, 400, messagePage('Auth0', 'Logout error', `invalid_request: ${text}`));
    if (params.client_id !== undefined && params.client_id !== ctx.client.id) return bad(`Unknown client: ${params.client_id}`);
    if (params.id_token_hint) {
      try {
        // Expired hints are fine (OIDC RP-Initiated Logout): verify as of the token's iat.
        const { iat } = decodeJwt(params.id_token_hint);
        await (await signer).verify(params.id_token_hint, { issuer: issuer(), audience: ctx.client.id, currentDate: new Date(iat * 1000) });
      } catch {
        return bad('The id_token_hint parameter is invalid.');
      }
    }
    const target = params.post_logout_redirect_uri;
    if (target === undefined) return sendHtml(res, 200, messagePage('Auth0', 'Logged out', 'You have been logged out.'));
    if (!params.id_token_hint && !params.client_id) return bad('"id_token_hint" or "client_id" is required when "post_logout_redirect_uri" is present.');
    if (!sameOriginAsRedirects(target, ctx.redirectUris)) return bad(`The "post_logout_redirect_uri" parameter "${target}" is not defined as a valid URL in "Allowed Logout URLs".`);
    return redirect(res, withParams(target, { state: params.state || undefined }));
  }

  async function handle(req, res, url) {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /.well-known/openid-configuration': sendJson(res, 200, discovery()); break;
      case 'GET /.well-known/jwks.json': sendJson(res, 200, (await signer).jwks); break;
      case 'GET /authorize': case 'POST /authorize': await authorize(req, res, url, ctx, authorizeSpec); break;
      case 'POST /oauth/token': await token(req, res); break;
      case 'GET /userinfo': case 'POST /userinfo': userinfo(req, res); break;
      case 'POST /oauth/revoke': await revoke(req, res); break;
      case 'GET /v2/logout': legacyLogout(res, url); break;
      case 'GET /oidc/logout': case 'POST /oidc/logout':
        if (!endSession) return false;
        await oidcLogout(req, res, url);
        break;
      default: return false;
    }
    return true;
  }

  return serve({ name: 'Auth0', port, handle, ctx });
}

// Google emulator (OpenID Connect). Stands in for accounts.google.com,
// oauth2.googleapis.com, openidconnect.googleapis.com and www.googleapis.com.
// Wire formats follow shared/notes/research.md 4.2.
//
// Options of start() (env var, default):
//   port             [4022]
//   redirectUris     registered redirect URIs, exact match [EMULATOR_REDIRECT_URIS]
//   accessTokenTtl   EMULATOR_ACCESS_TOKEN_TTL: access token lifetime, also expires_in [3599]
//
// Quirks reproduced:
//   - ID token `iss` is the scheme-less legacy form "127.0.0.1:<port>" (like
//     "accounts.google.com") for alice and the full "http://127.0.0.1:<port>" for bob;
//     discovery says the full form. Clients must accept both.
//   - Refresh token only with access_type=offline, and only on the first offline
//     consent of a user for this client unless prompt=consent; refresh responses
//     carry no new refresh_token (the old one stays valid).
//   - Response scope uses full URLs for email/profile; errors are HTTP 400
//     {"error":"invalid_grant","error_description":"Bad Request"}.
//   - PKCE plain and S256 (plain is the default when the method is omitted).
//   - Authorization codes contain "/" (they start with "4/0"), so they arrive
//     percent-encoded in the redirect.
//   - POST /revoke revokes the whole grant (access AND refresh token), no client auth.
//   - No end_session_endpoint, no `iss` in the authorization response.
import {
  DEFAULT_REDIRECT_URIS, NO_STORE, atHash, authorize, clientAuth, createSigner, envInt, newContext, nowSeconds,
  parseBearer, randomToken, readBody, recordToken, redeemCode, sendJson, serve, splitScopes,
} from './common.mjs';
import { avatarUrl, findUser } from './users.mjs';

const EMAIL_SCOPE = 'https://www.googleapis.com/auth/userinfo.email';
const PROFILE_SCOPE = 'https://www.googleapis.com/auth/userinfo.profile';
const SHORT_SCOPES = { email: EMAIL_SCOPE, profile: PROFILE_SCOPE };

// "openid email profile" -> openid first, then the rest sorted (full URLs).
function grantedScopes(scope) {
  const scopes = splitScopes(splitScopes(scope).map((s) => SHORT_SCOPES[s] ?? s).join(' '));
  const rest = scopes.filter((s) => s !== 'openid').sort();
  return scopes.includes('openid') ? ['openid', ...rest] : rest;
}

export function start({
  port = 4022,
  redirectUris = DEFAULT_REDIRECT_URIS,
  accessTokenTtl = envInt('EMULATOR_ACCESS_TOKEN_TTL', 3599),
} = {}) {
  const ctx = newContext({ id: 'google', redirectUris });
  const signer = createSigner();

  const discovery = () => {
    const b = ctx.base();
    return {
      issuer: b,
      authorization_endpoint: `${b}/o/oauth2/v2/auth`,
      token_endpoint: `${b}/token`,
      userinfo_endpoint: `${b}/v1/userinfo`,
      revocation_endpoint: `${b}/revoke`,
      jwks_uri: `${b}/oauth2/v3/certs`,
      response_types_supported: ['code', 'token', 'id_token', 'code token', 'code id_token', 'token id_token', 'code token id_token', 'none'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'email', 'email_verified', 'exp', 'family_name', 'given_name', 'iat', 'iss', 'name', 'picture', 'sub'],
      code_challenge_methods_supported: ['plain', 'S256'],
      grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
    };
  };

  const authorizeSpec = {
    provider: 'Google',
    responseType: true,
    pkce: ['S256', 'plain'],
    cancel: { error: 'access_denied' }, // Google sends no error_description
    codePrefix: '4/0',
    pages: {
      unknownClient: (id) => `Error 401: invalid_client. The OAuth client was not found. (client_id "${id}")`,
      badRedirect: (uri) => `Error 400: redirect_uri_mismatch. You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy (redirect_uri "${uri}").`,
    },
    // Google shows an error page (no redirect) for malformed requests.
    validate: (request) => (request.scope ? undefined : { page: true, error: 'Error 400: invalid_request', error_description: 'Missing required parameter: scope' }),
    codeExtras(request, user) {
      // Refresh token: offline access, first consent per user+client or prompt=consent.
      const key = `${user.username}|${ctx.client.id}`;
      const forced = splitScopes(request.prompt).includes('consent');
      const offline = request.access_type === 'offline' && (forced || !ctx.store.consents.has(key));
      if (offline) ctx.store.consents.add(key);
      return { offline };
    },
  };

  function claims(user, scopes) {
    const out = { sub: user.google.sub };
    if (scopes.includes(EMAIL_SCOPE)) Object.assign(out, { email: user.email, email_verified: user.emailVerified });
    if (scopes.includes(PROFILE_SCOPE)) {
      Object.assign(out, { name: user.name, picture: avatarUrl(ctx.base(), user.username), given_name: user.givenName, family_name: user.familyName, locale: 'en' });
    }
    return out;
  }

  async function idToken(user, scopes, accessToken, nonce) {
    const now = nowSeconds();
    const iss = user.username === 'alice' ? ctx.base().replace(/^https?:\/\//, '') : ctx.base();
    const { sub, ...profile } = claims(user, scopes);
    const payload = { iss, azp: ctx.client.id, aud: ctx.client.id, sub, ...profile, at_hash: atHash(accessToken) };
    if (nonce !== undefined) payload.nonce = nonce;
    Object.assign(payload, { iat: now, exp: now + 3600 });
    return (await signer).signIdToken(payload);
  }

  async function token(req, res) {
    const body = (await readBody(req)).params;
    const auth = clientAuth(req, body, ctx.client);
    recordToken(ctx, req, body, auth.method);
    const fail = (status, error, description) => sendJson(res, status, { error, error_description: description }, NO_STORE);
    if (auth.clientId !== ctx.client.id) return fail(401, 'invalid_client', 'The OAuth client was not found.');
    if (!auth.ok) return fail(401, 'invalid_client', 'Unauthorized');

    let username;
    let scopes;
    let grant;
    let nonce;
    let refresh;
    if (body.grant_type === 'authorization_code') {
      const result = redeemCode(ctx, body);
      if (result.error === 'redirect_mismatch') return fail(400, 'redirect_uri_mismatch', 'Bad Request');
      if (result.error === 'pkce_missing') return fail(400, 'invalid_grant', 'Missing code verifier.');
      if (result.error) return fail(400, 'invalid_grant', 'Bad Request');
      ({ username, nonce } = result.data);
      ({ grant } = result);
      scopes = grantedScopes(result.data.scope);
      if (result.data.offline) {
        refresh = randomToken('1//0', 96);
        ctx.store.add(refresh, { kind: 'refresh', username, scopes, clientId: ctx.client.id, grant, ttl: null });
      }
    } else if (body.grant_type === 'refresh_token') {
      const rec = ctx.store.find(body.refresh_token, 'refresh');
      if (!rec || rec.clientId !== ctx.client.id) return fail(400, 'invalid_grant', 'Token has been expired or revoked.');
      ({ username, scopes, grant } = rec); // no new refresh token: the old one stays valid
    } else {
      return fail(400, 'unsupported_grant_type', `Invalid grant_type: ${body.grant_type ?? ''}`);
    }

    const access = randomToken('ya29.a0', 150);
    ctx.store.add(access, { kind: 'access', username, scopes, clientId: ctx.client.id, grant, ttl: accessTokenTtl });
    const response = { access_token: access, expires_in: accessTokenTtl };
    if (refresh) response.refresh_token = refresh;
    Object.assign(response, { scope: scopes.join(' '), token_type: 'Bearer' });
    if (scopes.includes('openid')) response.id_token = await idToken(findUser(username), scopes, access, nonce);
    return sendJson(res, 200, response, NO_STORE);
  }

  async function userinfo(req, res) {
    const rec = ctx.store.find(parseBearer(req.headers.authorization), 'access');
    if (!rec) {
      return sendJson(res, 401, { error: 'invalid_request', error_description: 'Invalid Credentials' },
        { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' });
    }
    return sendJson(res, 200, claims(findUser(rec.username), rec.scopes));
  }

  async function revoke(req, res, url) {
    const body = req.method === 'POST' ? (await readBody(req)).params : {};
    const value = body.token ?? url.searchParams.get('token');
    const rec = ['access', 'refresh'].map((kind) => ctx.store.find(value, kind)).find(Boolean);
    if (!rec) return sendJson(res, 400, { error: 'invalid_token', error_description: 'Token expired or revoked' });
    ctx.store.revokeGrant(rec.grant);
    return sendJson(res, 200, {});
  }

  async function handle(req, res, url) {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /.well-known/openid-configuration': sendJson(res, 200, discovery()); break;
      case 'GET /oauth2/v3/certs': sendJson(res, 200, (await signer).jwks); break;
      case 'GET /o/oauth2/v2/auth': case 'POST /o/oauth2/v2/auth': await authorize(req, res, url, ctx, authorizeSpec); break;
      case 'POST /token': await token(req, res); break;
      case 'GET /v1/userinfo': case 'POST /v1/userinfo': case 'GET /oauth2/v3/userinfo': await userinfo(req, res); break;
      case 'POST /revoke': case 'GET /revoke': await revoke(req, res, url); break;
      default: return false;
    }
    return true;
  }

  return serve({ name: 'Google', port, handle, ctx });
}

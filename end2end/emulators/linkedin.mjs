// LinkedIn emulator ("Sign In with LinkedIn using OpenID Connect"). Stands in for
// www.linkedin.com/oauth and api.linkedin.com/v2/userinfo.
// Wire formats follow shared/notes/research.md 4.5.
//
// Options of start() (env var, default):
//   port            [4025]
//   redirectUris    Authorized redirect URLs, exact match [EMULATOR_REDIRECT_URIS]
//   accessTokenTtl  EMULATOR_ACCESS_TOKEN_TTL: access token lifetime, also expires_in [5184000]
//
// Quirks reproduced:
//   - Token endpoint accepts ONLY client_secret_post (client_id + client_secret in the
//     form body); Basic alone -> 401 invalid_client. Discovery lists no
//     token_endpoint_auth_methods_supported (so the spec default would be basic!).
//   - No PKCE in the web flow: code_challenge/code_verifier are ignored.
//   - Scope in the token response is COMMA-separated and sorted ("email,openid,profile").
//   - Only openid/profile/email (and w_member_social) are authorized for the app; other
//     scopes -> redirect with error=unauthorized_scope_error.
//   - ID token iss is <origin>/oauth; its email_verified is a STRING ("true"/"false"),
//     its locale a string ("en-GB"), while /v2/userinfo has a boolean email_verified
//     and locale as an OBJECT {"country","language"}.
//   - No refresh tokens (only for approved partners), no revocation/end-session here.
//   - Errors: 400 invalid_request with LinkedIn's long description; API errors are
//     {"serviceErrorCode":..,"message":..,"status":..}.
import {
  DEFAULT_REDIRECT_URIS, NO_STORE, authorize, clientAuth, createSigner, envInt, newContext, nowSeconds, parseBearer,
  randomToken, readBody, recordToken, redeemCode, safeEqual, sendJson, serve, splitScopes,
} from './common.mjs';
import { avatarUrl, findUser } from './users.mjs';

const AUTHORIZED_SCOPES = ['openid', 'profile', 'email', 'w_member_social'];
const CODE_MISMATCH = 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';

export function start({
  port = 4025,
  redirectUris = DEFAULT_REDIRECT_URIS,
  accessTokenTtl = envInt('EMULATOR_ACCESS_TOKEN_TTL', 5184000),
} = {}) {
  const ctx = newContext({ id: 'linkedin', redirectUris });
  const signer = createSigner();
  const issuer = () => `${ctx.base()}/oauth`;

  const discovery = () => ({
    issuer: issuer(),
    authorization_endpoint: `${ctx.base()}/oauth/v2/authorization`,
    token_endpoint: `${ctx.base()}/oauth/v2/accessToken`,
    userinfo_endpoint: `${ctx.base()}/v2/userinfo`,
    jwks_uri: `${ctx.base()}/oauth/openid/jwks`,
    response_types_supported: ['code'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid', 'profile', 'email'],
    claims_supported: ['iss', 'aud', 'iat', 'exp', 'sub', 'name', 'given_name', 'family_name', 'picture', 'email', 'email_verified', 'locale'],
  });

  const authorizeSpec = {
    provider: 'LinkedIn',
    responseType: true,
    pkce: null, // ignored
    cancel: { error: 'user_cancelled_login', error_description: 'The user cancelled LinkedIn login' },
    pages: {
      unknownClient: (id) => `The passed in client_id is invalid "${id}"`,
      badRedirect: (uri) => `The redirect_uri does not match the registered value (${uri})`,
    },
    validate(request) {
      const scopes = splitScopes(request.scope, /[\s,]+/);
      if (scopes.length === 0) return { error: 'invalid_request', error_description: 'The scope parameter is missing' };
      const bad = scopes.find((s) => !AUTHORIZED_SCOPES.includes(s));
      return bad ? { error: 'unauthorized_scope_error', error_description: `Scope "${bad}" is not authorized for your application` } : undefined;
    },
  };

  async function idToken(user, scopes, nonce) {
    const now = nowSeconds();
    const l = user.linkedin;
    const payload = { iss: issuer(), aud: ctx.client.id, iat: now, exp: now + 3600, sub: l.sub };
    if (scopes.includes('profile')) {
      Object.assign(payload, { name: user.name, given_name: user.givenName, family_name: user.familyName, picture: avatarUrl(ctx.base(), user.username) });
    }
    if (scopes.includes('email')) Object.assign(payload, { email: user.email, email_verified: String(user.emailVerified) });
    if (scopes.includes('profile')) payload.locale = `${l.locale.language}-${l.locale.country}`;
    if (nonce !== undefined) payload.nonce = nonce;
    return (await signer).signIdToken(payload);
  }

  async function token(req, res) {
    const { type, params } = await readBody(req);
    const body = type === 'form' ? params : {}; // form bodies only
    const auth = clientAuth(req, body, ctx.client, ['basic', 'post']);
    recordToken(ctx, req, body, auth.method);
    const fail = (status, error, description) => sendJson(res, status, { error, error_description: description }, NO_STORE);
    if (!body.grant_type) return fail(400, 'invalid_request', 'A required parameter "grant_type" is missing');
    if (body.grant_type !== 'authorization_code') return fail(400, 'unsupported_grant_type', `Grant type "${body.grant_type}" is not supported for this application`);
    // Only the credentials in the body count; an Authorization header is ignored.
    if (body.client_id !== ctx.client.id || !safeEqual(body.client_secret, ctx.client.secret)) {
      return fail(401, 'invalid_client', 'Client authentication failed');
    }
    if (!body.code) return fail(400, 'invalid_request', 'A required parameter "code" is missing');
    if (!body.redirect_uri) return fail(400, 'invalid_request', 'A required parameter "redirect_uri" is missing');
    const result = redeemCode(ctx, body); // no challenge was stored, so no PKCE check
    if (result.error) return fail(400, 'invalid_request', CODE_MISMATCH);

    const { username, scope, nonce } = result.data;
    const scopes = splitScopes(scope, /[\s,]+/);
    const access = randomToken('AQX', 180);
    ctx.store.add(access, { kind: 'access', username, scopes, clientId: ctx.client.id, grant: result.grant, ttl: accessTokenTtl });
    const response = { access_token: access, expires_in: accessTokenTtl, scope: [...scopes].sort().join(','), token_type: 'Bearer' };
    if (scopes.includes('openid')) response.id_token = await idToken(findUser(username), scopes, nonce);
    return sendJson(res, 200, response, NO_STORE);
  }

  function userinfo(req, res) {
    const apiError = (status, serviceErrorCode, message) => sendJson(res, status, { serviceErrorCode, message, status });
    const value = parseBearer(req.headers.authorization);
    if (!value) return apiError(401, 65604, 'Empty oauth2 access token');
    const { rec, problem } = ctx.store.check(value, 'access');
    if (problem === 'expired') return apiError(401, 65601, 'The token used in the request has expired');
    if (problem === 'revoked') return apiError(401, 65602, 'The token used in the request has been revoked by the user');
    if (problem) return apiError(401, 65600, 'Invalid access token');
    if (!rec.scopes.includes('openid')) return apiError(403, 100, 'Not enough permissions to access: userinfo.GET.NO_VERSION');
    const user = findUser(rec.username);
    const out = { sub: user.linkedin.sub };
    if (rec.scopes.includes('profile')) {
      Object.assign(out, { name: user.name, given_name: user.givenName, family_name: user.familyName, picture: avatarUrl(ctx.base(), user.username), locale: user.linkedin.locale });
    }
    if (rec.scopes.includes('email')) Object.assign(out, { email: user.email, email_verified: user.emailVerified });
    return sendJson(res, 200, out);
  }

  async function handle(req, res, url) {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case 'GET /oauth/.well-known/openid-configuration': sendJson(res, 200, discovery()); break;
      case 'GET /oauth/openid/jwks': sendJson(res, 200, (await signer).jwks); break;
      case 'GET /oauth/v2/authorization': case 'POST /oauth/v2/authorization': await authorize(req, res, url, ctx, authorizeSpec); break;
      case 'POST /oauth/v2/accessToken': await token(req, res); break;
      case 'GET /v2/userinfo': userinfo(req, res); break;
      default: return false;
    }
    return true;
  }

  return serve({ name: 'LinkedIn', port, handle, ctx });
}

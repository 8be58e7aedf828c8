// Self-test of the Auth0 emulator.
import { decodeJwt } from 'jose';

import { REDIRECT, basic, bearer, buildUrl, check, pkce, request, secretOf, signIn, verifyJwt } from './kit.mjs';
import * as auth0 from '../auth0.mjs';

const ID = 'porte-auth0';
const SECRET = secretOf('auth0');
const GROUPS = 'https://porte.test/groups';

export async function run(boot) {
  const base = await boot(auth0, {});
  const disco = (await request(`${base}/.well-known/openid-configuration`)).json();
  check('auth0: discovery issuer has a trailing slash', disco.issuer === `${base}/` && disco.authorization_endpoint === `${base}/authorize`
    && disco.token_endpoint === `${base}/oauth/token` && disco.jwks_uri === `${base}/.well-known/jwks.json` && disco.revocation_endpoint === `${base}/oauth/revoke`
    && disco.code_challenge_methods_supported.join() === 'S256,plain' && disco.request_uri_parameter_supported === false, disco);
  check('auth0: no end_session_endpoint by default', !('end_session_endpoint' in disco));
  check('auth0: /oidc/logout absent by default', (await request(`${base}/oidc/logout`)).status === 404);

  const authUrl = (params) => buildUrl(base, '/authorize', { response_type: 'code', client_id: ID, redirect_uri: REDIRECT, scope: 'openid profile email offline_access', ...params });
  const tokenJson = (json, headers = {}) => request(`${base}/oauth/token`, { method: 'POST', json, headers });
  const p = pkce();
  const flow = await signIn(authUrl({ state: 'a0', nonce: 'n0', code_challenge: p.challenge, code_challenge_method: 'S256' }), 'alice');
  check('auth0: redirect has code and state, no iss', flow.params.code && flow.params.state === 'a0' && !('iss' in flow.params));
  const res = await tokenJson({ grant_type: 'authorization_code', client_id: ID, client_secret: SECRET, code: flow.params.code, redirect_uri: REDIRECT, code_verifier: p.verifier });
  const t = res.json();
  check('auth0: JSON token request works', res.status === 200 && t.token_type === 'Bearer' && t.expires_in === 86400 && t.scope === 'openid profile email offline_access'
    && typeof t.refresh_token === 'string' && typeof t.id_token === 'string', t);
  const { payload } = await verifyJwt(t.id_token, disco.jwks_uri, { issuer: `${base}/`, audience: ID });
  check('auth0: ID token claims (trailing-slash iss, namespaced groups)', payload.sub === 'auth0|alice0001' && payload.nonce === 'n0'
    && JSON.stringify(payload[GROUPS]) === '["admins","readers"]' && payload.nickname === 'alice' && payload.email_verified === true && payload.updated_at, payload);
  const ui = await request(`${base}/userinfo`, { headers: bearer(t.access_token) });
  check('auth0: userinfo with groups claim', ui.status === 200 && ui.json().sub === 'auth0|alice0001' && JSON.stringify(ui.json()[GROUPS]) === '["admins","readers"]', ui.text);
  check('auth0: userinfo bad token -> 401', (await request(`${base}/userinfo`, { headers: bearer('nope') })).status === 401);

  // Refresh rotation with reuse detection.
  const refresh = (rt) => request(`${base}/oauth/token`, { method: 'POST', form: { grant_type: 'refresh_token', refresh_token: rt }, headers: { authorization: basic(ID, SECRET) } });
  const r1 = (await refresh(t.refresh_token)).json();
  check('auth0: refresh rotates', typeof r1.refresh_token === 'string' && r1.refresh_token !== t.refresh_token && typeof r1.id_token === 'string');
  const reuse = await refresh(t.refresh_token);
  check('auth0: reused refresh token -> 403 invalid_grant', reuse.status === 403 && reuse.text === '{"error":"invalid_grant","error_description":"Unknown or invalid refresh token."}', reuse.text);
  check('auth0: reuse revoked the whole family', (await refresh(r1.refresh_token)).status === 403);

  const bad = await tokenJson({ grant_type: 'authorization_code', client_id: ID, client_secret: SECRET, code: 'nope', redirect_uri: REDIRECT });
  check('auth0: bad code -> 403 Invalid authorization code', bad.status === 403 && bad.text === '{"error":"invalid_grant","error_description":"Invalid authorization code"}', bad.text);
  const wrongVerifier = await signIn(authUrl({ code_challenge: p.challenge, code_challenge_method: 'S256' }), 'alice');
  const wv = await tokenJson({ grant_type: 'authorization_code', client_id: ID, client_secret: SECRET, code: wrongVerifier.params.code, redirect_uri: REDIRECT, code_verifier: pkce().verifier });
  check('auth0: wrong verifier -> 403 invalid_grant', wv.status === 403 && wv.json().error === 'invalid_grant');
  const secretRes = await tokenJson({ grant_type: 'authorization_code', client_id: ID, client_secret: 'wrong', code: 'x', redirect_uri: REDIRECT });
  check('auth0: wrong secret -> 401 access_denied', secretRes.status === 401 && secretRes.json().error === 'access_denied');
  const cancel = await signIn(authUrl({ state: 'cc' }), 'cancel');
  check('auth0: cancel -> access_denied', cancel.params.error === 'access_denied' && cancel.params.error_description === 'User did not authorize the request' && cancel.params.state === 'cc');

  // Revocation.
  const bobFlow = await signIn(authUrl({}), 'bob');
  const bob = (await tokenJson({ grant_type: 'authorization_code', client_id: ID, client_secret: SECRET, code: bobFlow.params.code, redirect_uri: REDIRECT })).json();
  const bobClaims = decodeJwt(bob.id_token);
  check('auth0: bob unverified, no groups', bobClaims.email_verified === false && JSON.stringify(bobClaims[GROUPS]) === '[]' && bobClaims.sub === 'auth0|bob0002');
  const rev = await request(`${base}/oauth/revoke`, { method: 'POST', json: { client_id: ID, client_secret: SECRET, token: bob.refresh_token } });
  check('auth0: revoke -> 200', rev.status === 200);
  check('auth0: revoked refresh token -> 403', (await refresh(bob.refresh_token)).status === 403);
  check('auth0: revoked grant: access token dead', (await request(`${base}/userinfo`, { headers: bearer(bob.access_token) })).status === 401);

  // audience -> JWT access token.
  const api = await signIn(authUrl({ audience: 'https://api.porte.test/' }), 'alice');
  const apiTok = (await tokenJson({ grant_type: 'authorization_code', client_id: ID, client_secret: SECRET, code: api.params.code, redirect_uri: REDIRECT })).json();
  const at = (await verifyJwt(apiTok.access_token, disco.jwks_uri, { issuer: `${base}/`, audience: 'https://api.porte.test/' })).payload;
  check('auth0: audience -> JWT access token usable at /userinfo', at.aud.includes(`${base}/userinfo`)
    && (await request(`${base}/userinfo`, { headers: bearer(apiTok.access_token) })).status === 200, at);

  // Logout.
  const v2 = await request(buildUrl(base, '/v2/logout', { client_id: ID, returnTo: 'http://127.0.0.1:3000/' }));
  check('auth0: /v2/logout -> 302 returnTo', v2.status === 302 && v2.headers.location === 'http://127.0.0.1:3000/');
  check('auth0: /v2/logout foreign returnTo -> 400', (await request(buildUrl(base, '/v2/logout', { client_id: ID, returnTo: 'http://evil.example/' }))).status === 400);

  const esBase = await boot(auth0, { endSession: true });
  const es = (await request(`${esBase}/.well-known/openid-configuration`)).json();
  check('auth0: endSession option lists end_session_endpoint', es.end_session_endpoint === `${esBase}/oidc/logout`);
  const esFlow = await signIn(buildUrl(esBase, '/authorize', { response_type: 'code', client_id: ID, redirect_uri: REDIRECT, scope: 'openid' }), 'alice');
  const esTok = (await request(`${esBase}/oauth/token`, { method: 'POST', form: { grant_type: 'authorization_code', client_id: ID, client_secret: SECRET, code: esFlow.params.code, redirect_uri: REDIRECT } })).json();
  const lo = await request(buildUrl(esBase, '/oidc/logout', { id_token_hint: esTok.id_token, post_logout_redirect_uri: 'http://127.0.0.1:3000/bye', state: 'q' }));
  check('auth0: /oidc/logout -> 302 with state', lo.status === 302 && lo.headers.location === 'http://127.0.0.1:3000/bye?state=q', lo.headers.location);
  const badHint = await request(buildUrl(esBase, '/oidc/logout', { id_token_hint: t.id_token, post_logout_redirect_uri: 'http://127.0.0.1:3000/bye' }));
  check('auth0: /oidc/logout with a foreign id_token_hint -> 400', badHint.status === 400);
}

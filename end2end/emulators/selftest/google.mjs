// Self-test of the Google emulator.
import { createHash } from 'node:crypto';

import { decodeProtectedHeader } from 'jose';

import { REDIRECT, basic, bearer, buildUrl, check, pkce, request, secretOf, signIn, verifyJwt } from './kit.mjs';
import * as google from '../google.mjs';

const ID = 'porte-google';
const SECRET = secretOf('google');
const FULL_SCOPE = 'openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile';

export async function run(boot) {
  const base = await boot(google, {});
  const disco = (await request(`${base}/.well-known/openid-configuration`)).json();
  check('google: discovery', disco.issuer === base && disco.authorization_endpoint === `${base}/o/oauth2/v2/auth` && disco.token_endpoint === `${base}/token`
    && disco.userinfo_endpoint === `${base}/v1/userinfo` && disco.revocation_endpoint === `${base}/revoke` && disco.jwks_uri === `${base}/oauth2/v3/certs`
    && !('end_session_endpoint' in disco) && !('authorization_response_iss_parameter_supported' in disco)
    && disco.code_challenge_methods_supported.join() === 'plain,S256', disco);

  const authUrl = (params) => buildUrl(base, disco.authorization_endpoint, { response_type: 'code', client_id: ID, redirect_uri: REDIRECT, scope: 'openid email profile', ...params });
  const token = (form, headers = {}) => request(disco.token_endpoint, { method: 'POST', form, headers });
  const byCode = (code, extra = {}) => token({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: ID, client_secret: SECRET, ...extra });

  const noScope = await request(buildUrl(base, '/o/oauth2/v2/auth', { response_type: 'code', client_id: ID, redirect_uri: REDIRECT }));
  check('google: missing scope -> error page', noScope.status === 400 && noScope.text.includes('Missing required parameter: scope'));

  const p = pkce();
  const flow = await signIn(authUrl({ state: 'g1', nonce: 'n-123', access_type: 'offline', code_challenge: p.challenge, code_challenge_method: 'S256' }), 'alice');
  check('google: code starts with 4/0 and is percent-encoded in the redirect', flow.params.code?.startsWith('4/0') && flow.location.search.includes('code=4%2F0') && flow.params.state === 'g1' && !('iss' in flow.params), flow.location?.href);
  const res = await token({ grant_type: 'authorization_code', code: flow.params.code, redirect_uri: REDIRECT, code_verifier: p.verifier }, { authorization: basic(ID, SECRET) });
  const t = res.json();
  check('google: token response', res.status === 200 && t.access_token.startsWith('ya29.') && t.expires_in === 3599 && t.token_type === 'Bearer'
    && t.scope === FULL_SCOPE && typeof t.refresh_token === 'string' && typeof t.id_token === 'string', t);
  const { payload, protectedHeader } = await verifyJwt(t.id_token, disco.jwks_uri, { audience: ID });
  const hostOnly = base.replace('http://', '');
  const atHash = createHash('sha256').update(t.access_token).digest().subarray(0, 16).toString('base64url');
  check('google: alice ID token has legacy scheme-less iss', payload.iss === hostOnly, payload.iss);
  check('google: ID token claims', protectedHeader.alg === 'RS256' && typeof protectedHeader.kid === 'string' && payload.sub === '110000000000000000001'
    && payload.azp === ID && payload.nonce === 'n-123' && payload.email === 'alice@wonderland.example' && payload.email_verified === true
    && payload.name === 'Alice Liddell' && payload.given_name === 'Alice' && payload.family_name === 'Liddell' && payload.locale === 'en'
    && payload.picture === `${base}/avatars/alice.svg` && payload.at_hash === atHash && payload.exp - payload.iat === 3600, payload);
  check('google: token request recorded (basic, verifier)', JSON.stringify((await request(`${base}/_emulator/last-token-request`)).json())
    === JSON.stringify({ grant_type: 'authorization_code', client_auth: 'basic', has_code_verifier: true, accept: null }));

  const again = await signIn(authUrl({ access_type: 'offline' }), 'alice');
  const t2 = (await byCode(again.params.code)).json();
  check('google: second offline consent -> no refresh_token', t2.access_token && !('refresh_token' in t2), t2);
  const forced = await signIn(authUrl({ access_type: 'offline', prompt: 'consent' }), 'alice');
  check('google: prompt=consent -> refresh_token again', typeof (await byCode(forced.params.code)).json().refresh_token === 'string');
  const online = await signIn(authUrl({ prompt: 'consent' }), 'alice');
  check('google: without access_type=offline -> no refresh_token', !('refresh_token' in (await byCode(online.params.code)).json()));

  const info = await request(disco.userinfo_endpoint, { headers: bearer(t.access_token) });
  check('google: userinfo', info.status === 200 && JSON.stringify(Object.keys(info.json())) === JSON.stringify(['sub', 'email', 'email_verified', 'name', 'picture', 'given_name', 'family_name', 'locale'])
    && info.json().sub === '110000000000000000001', info.text);
  const unauth = await request(disco.userinfo_endpoint, { headers: bearer('ya29.nope') });
  check('google: userinfo bad token -> 401', unauth.status === 401 && unauth.json().error_description === 'Invalid Credentials');

  const refresh = (rt) => token({ grant_type: 'refresh_token', refresh_token: rt, client_id: ID, client_secret: SECRET });
  const r1 = (await refresh(t.refresh_token)).json();
  check('google: refresh -> new access token, no refresh_token, id_token', r1.access_token !== t.access_token && !('refresh_token' in r1) && typeof r1.id_token === 'string' && r1.scope === FULL_SCOPE, r1);
  check('google: old refresh token stays valid', (await refresh(t.refresh_token)).status === 200);

  const bobFlow = await signIn(authUrl({}), 'bob');
  const bobTok = (await byCode(bobFlow.params.code)).json();
  const bobClaims = (await verifyJwt(bobTok.id_token, disco.jwks_uri, { audience: ID, issuer: base })).payload;
  check('google: bob ID token has full iss, email unverified', bobClaims.iss === base && bobClaims.email_verified === false && bobClaims.sub === '110000000000000000002', bobClaims);
  check('google: kid matches JWKS', decodeProtectedHeader(bobTok.id_token).kid === (await request(disco.jwks_uri)).json().keys[0].kid);

  const pk = pkce();
  const wrong = await signIn(authUrl({ code_challenge: pk.challenge, code_challenge_method: 'S256' }), 'alice');
  const wrongRes = await byCode(wrong.params.code, { code_verifier: pkce().verifier });
  check('google: wrong verifier -> 400 invalid_grant Bad Request', wrongRes.status === 400 && wrongRes.text === '{"error":"invalid_grant","error_description":"Bad Request"}', wrongRes.text);
  const missing = await signIn(authUrl({ code_challenge: pk.challenge, code_challenge_method: 'S256' }), 'alice');
  check('google: missing verifier -> invalid_grant', (await byCode(missing.params.code)).json().error === 'invalid_grant');
  const plain = await signIn(authUrl({ code_challenge: pk.verifier }), 'alice'); // method omitted -> plain
  check('google: plain PKCE accepted', (await byCode(plain.params.code, { code_verifier: pk.verifier })).status === 200);
  const badSecret = await signIn(authUrl({}), 'alice');
  const badSecretRes = await byCode(badSecret.params.code, { client_secret: 'wrong' });
  check('google: wrong secret -> 401 invalid_client', badSecretRes.status === 401 && badSecretRes.json().error === 'invalid_client');
  const cancel = await signIn(authUrl({ state: 'gc' }), 'cancel');
  check('google: cancel -> error=access_denied only', JSON.stringify(cancel.params) === '{"error":"access_denied","state":"gc"}', cancel.params);

  // Expiry hook + refresh, then revocation of the grant.
  check('google: expire-access-tokens hook', (await request(`${base}/_emulator/expire-access-tokens`, { method: 'POST' })).json().expired > 0);
  check('google: expired token -> 401', (await request(disco.userinfo_endpoint, { headers: bearer(r1.access_token) })).status === 401);
  const r2 = (await refresh(t.refresh_token)).json();
  check('google: refresh after expiry works', (await request(disco.userinfo_endpoint, { headers: bearer(r2.access_token) })).status === 200);
  const rev = await request(disco.revocation_endpoint, { method: 'POST', form: { token: t.refresh_token } });
  check('google: revoke -> 200 {}', rev.status === 200 && rev.text === '{}');
  check('google: revoked grant: access token dead', (await request(disco.userinfo_endpoint, { headers: bearer(r2.access_token) })).status === 401);
  const dead = await refresh(t.refresh_token);
  check('google: revoked refresh token -> invalid_grant', dead.status === 400 && dead.json().error === 'invalid_grant');
  check('google: revoke unknown -> 400 invalid_token', (await request(disco.revocation_endpoint, { method: 'POST', form: { token: 'nope' } })).status === 400);
}

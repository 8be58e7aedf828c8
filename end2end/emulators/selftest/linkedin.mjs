// Self-test of the LinkedIn emulator.
import { REDIRECT, basic, bearer, buildUrl, check, pkce, request, secretOf, signIn, verifyJwt } from './kit.mjs';
import * as linkedin from '../linkedin.mjs';

const ID = 'porte-linkedin';
const SECRET = secretOf('linkedin');
const MISMATCH = 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';

export async function run(boot) {
  const base = await boot(linkedin, {});
  const disco = (await request(`${base}/oauth/.well-known/openid-configuration`)).json();
  check('linkedin: discovery', disco.issuer === `${base}/oauth` && disco.token_endpoint === `${base}/oauth/v2/accessToken`
    && disco.userinfo_endpoint === `${base}/v2/userinfo` && disco.jwks_uri === `${base}/oauth/openid/jwks` && !('token_endpoint_auth_methods_supported' in disco), disco);

  const authUrl = (params) => buildUrl(base, '/oauth/v2/authorization', { response_type: 'code', client_id: ID, redirect_uri: REDIRECT, scope: 'openid profile email', ...params });
  const token = (form, headers = {}) => request(`${base}/oauth/v2/accessToken`, { method: 'POST', form, headers });

  const scopeErr = await request(authUrl({ scope: 'openid r_emailaddress', state: 's' }));
  check('linkedin: unauthorized scope -> redirect unauthorized_scope_error', scopeErr.status === 302 && scopeErr.location.searchParams.get('error') === 'unauthorized_scope_error');

  const p = pkce();
  const flow = await signIn(authUrl({ state: 'li', nonce: 'nl', code_challenge: p.challenge, code_challenge_method: 'S256' }), 'alice');
  check('linkedin: redirect has code+state, no iss', flow.params.code && flow.params.state === 'li' && !('iss' in flow.params));
  const basicOnly = await token({ grant_type: 'authorization_code', code: flow.params.code, redirect_uri: REDIRECT }, { authorization: basic(ID, SECRET) });
  check('linkedin: Basic auth alone -> 401 invalid_client', basicOnly.status === 401 && basicOnly.text === '{"error":"invalid_client","error_description":"Client authentication failed"}', basicOnly.text);
  check('linkedin: recorded as basic', (await request(`${base}/_emulator/last-token-request`)).json().client_auth === 'basic');
  const res = await token({ grant_type: 'authorization_code', code: flow.params.code, redirect_uri: REDIRECT, client_id: ID, client_secret: SECRET });
  const t = res.json();
  check('linkedin: token response (PKCE ignored, comma scope)', res.status === 200 && t.access_token.startsWith('AQX') && t.expires_in === 5184000
    && t.scope === 'email,openid,profile' && t.token_type === 'Bearer' && typeof t.id_token === 'string' && !('refresh_token' in t), t);
  check('linkedin: last-token-request', JSON.stringify((await request(`${base}/_emulator/last-token-request`)).json())
    === JSON.stringify({ grant_type: 'authorization_code', client_auth: 'post', has_code_verifier: false, accept: null }));
  const { payload } = await verifyJwt(t.id_token, disco.jwks_uri, { issuer: `${base}/oauth`, audience: ID });
  check('linkedin: ID token (email_verified is a string)', payload.sub === '782bbtaQ' && payload.email_verified === 'true' && payload.email === 'alice@wonderland.example'
    && payload.nonce === 'nl' && payload.name === 'Alice Liddell', payload);

  const ui = await request(`${base}/v2/userinfo`, { headers: bearer(t.access_token) });
  const u = ui.json();
  check('linkedin: userinfo (locale object, boolean email_verified)', ui.status === 200 && u.sub === '782bbtaQ' && u.email_verified === true
    && JSON.stringify(u.locale) === '{"country":"GB","language":"en"}' && u.given_name === 'Alice' && u.picture === `${base}/avatars/alice.svg`, u);
  const none = await request(`${base}/v2/userinfo`);
  check('linkedin: userinfo without token -> 401 serviceErrorCode', none.status === 401 && none.json().serviceErrorCode === 65604 && none.json().status === 401);

  const again = await token({ grant_type: 'authorization_code', code: flow.params.code, redirect_uri: REDIRECT, client_id: ID, client_secret: SECRET });
  check('linkedin: reused code -> 400 invalid_request with LinkedIn text', again.status === 400 && again.json().error === 'invalid_request' && again.json().error_description === MISMATCH, again.text);
  const cancel = await signIn(authUrl({ state: 'lc' }), 'cancel');
  check('linkedin: cancel -> user_cancelled_login', cancel.params.error === 'user_cancelled_login' && cancel.params.error_description === 'The user cancelled LinkedIn login' && cancel.params.state === 'lc');

  const bobFlow = await signIn(authUrl({}), 'bob');
  const bob = (await token({ grant_type: 'authorization_code', code: bobFlow.params.code, redirect_uri: REDIRECT, client_id: ID, client_secret: SECRET })).json();
  const bobInfo = (await request(`${base}/v2/userinfo`, { headers: bearer(bob.access_token) })).json();
  check('linkedin: bob email unverified', bobInfo.email_verified === false && bobInfo.name === 'Bob Builder');
  check('linkedin: avatar served', (await request(`${base}/avatars/bob.svg`)).headers['content-type'] === 'image/svg+xml');
}

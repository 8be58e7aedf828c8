// Self-test of the Microsoft Entra ID (+ Graph) emulator.
import { createHash } from 'node:crypto';

import { REDIRECT, basic, bearer, buildUrl, check, pkce, request, secretOf, signIn, verifyJwt } from './kit.mjs';
import * as azure from '../azure.mjs';

const ID = 'porte-azure';
const SECRET = secretOf('azure');
const TID = '4ae1c4b5-0f0e-4d1a-9b3f-5e7a2c9d0a11';
const ALICE_OID = '0c7e1f3a-6d2b-4e8f-a1c3-5b9d7e2f4a60';

export async function run(boot) {
  const base = await boot(azure, {});
  const disco = async (tenant) => (await request(`${base}/${tenant}/v2.0/.well-known/openid-configuration`)).json();
  const common = await disco('common');
  check('azure: common discovery issuer is the {tenantid} template', common.issuer === `${base}/{tenantid}/v2.0`, common.issuer);
  check('azure: organizations issuer template', (await disco('organizations')).issuer === `${base}/{tenantid}/v2.0`);
  check('azure: consumers issuer', (await disco('consumers')).issuer === `${base}/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0`);
  check('azure: tenant issuer', (await disco(TID)).issuer === `${base}/${TID}/v2.0`);
  check('azure: discovery endpoints and omissions', common.authorization_endpoint === `${base}/common/oauth2/v2.0/authorize`
    && common.token_endpoint === `${base}/common/oauth2/v2.0/token` && common.end_session_endpoint === `${base}/common/oauth2/v2.0/logout`
    && common.jwks_uri === `${base}/common/discovery/v2.0/keys` && common.userinfo_endpoint === `${base}/graph/oidc/userinfo`
    && common.http_logout_supported === true && common.frontchannel_logout_supported === true
    && common.token_endpoint_auth_methods_supported.join() === 'client_secret_post,private_key_jwt,client_secret_basic'
    && !('code_challenge_methods_supported' in common) && !('revocation_endpoint' in common), common);
  const badTenant = await request(`${base}/nope/v2.0/.well-known/openid-configuration`);
  check('azure: unknown tenant -> 400 AADSTS90002', badTenant.status === 400 && badTenant.json().error_codes[0] === 90002);

  const authUrl = (tenant, params) => buildUrl(base, `/${tenant}/oauth2/v2.0/authorize`, { client_id: ID, response_type: 'code', redirect_uri: REDIRECT, ...params });
  const token = (form, headers = {}, tenant = 'common') => request(`${base}/${tenant}/oauth2/v2.0/token`, { method: 'POST', form, headers });
  async function login(user, scope, extra = {}) {
    const p = pkce();
    const flow = await signIn(authUrl('common', { scope, state: 'a1', nonce: 'nn', code_challenge: p.challenge, code_challenge_method: 'S256', ...extra }), user);
    const res = await token({ grant_type: 'authorization_code', code: flow.params.code, redirect_uri: REDIRECT, code_verifier: p.verifier, client_id: ID, client_secret: SECRET, scope });
    return { flow, res, body: res.json() };
  }

  const page = await request(authUrl('common', { scope: 'openid' }));
  check('azure: no COOP header by default', page.status === 200 && !page.headers['cross-origin-opener-policy'] && page.text.includes('<title>Microsoft emulator — Sign in</title>'));
  const { flow, res, body: t } = await login('alice', 'openid profile email offline_access https://graph.microsoft.com/User.Read');
  check('azure: redirect has code+state, no iss', flow.params.code && flow.params.state === 'a1' && !('iss' in flow.params));
  check('azure: token response', res.status === 200 && t.token_type === 'Bearer' && t.scope === 'openid profile email User.Read' && t.expires_in === 3600
    && t.ext_expires_in === 3600 && typeof t.access_token === 'string' && typeof t.refresh_token === 'string' && typeof t.id_token === 'string', t);
  const { payload } = await verifyJwt(t.id_token, common.jwks_uri, { audience: ID, issuer: `${base}/${TID}/v2.0` });
  const pairwise = createHash('sha256').update(ID + ALICE_OID).digest('base64url').slice(0, 43);
  check('azure: ID token claims (tid, oid, pairwise sub)', payload.tid === TID && payload.oid === ALICE_OID && payload.sub === pairwise && payload.sub !== payload.oid
    && payload.ver === '2.0' && payload.nonce === 'nn' && payload.name === 'Alice Liddell' && payload.preferred_username === 'alice@wonderland.onmicrosoft.com'
    && payload.email === 'alice@wonderland.example', payload);

  const me = (await request(`${base}/graph/v1.0/me`, { headers: bearer(t.access_token) })).json();
  check('azure: Graph /me', me['@odata.context'] === 'https://graph.microsoft.com/v1.0/$metadata#users/$entity' && me.id === ALICE_OID && me.mail === 'alice@wonderland.example'
    && me.userPrincipalName === 'alice@wonderland.onmicrosoft.com' && Array.isArray(me.businessPhones) && me.displayName === 'Alice Liddell', me);
  async function allGroups(accessToken) {
    const items = [];
    let next = `${base}/graph/v1.0/me/memberOf`;
    let pages = 0;
    while (next) {
      const page1 = (await request(next, { headers: bearer(accessToken) })).json();
      items.push(...page1.value);
      next = page1['@odata.nextLink'];
      pages += 1;
    }
    return { items, pages };
  }
  const stripped = await allGroups(t.access_token);
  check('azure: memberOf without GroupMember.Read.All: 3 pages, ids only', stripped.pages === 3 && stripped.items.length === 5
    && stripped.items.every((i) => i.id && i['@odata.type'] && i.displayName === null), stripped.items[0]);
  const full = await login('alice', 'openid profile offline_access User.Read GroupMember.Read.All');
  check('azure: scope lists GroupMember.Read.All', full.body.scope === 'openid profile User.Read GroupMember.Read.All', full.body.scope);
  const named = await allGroups(full.body.access_token);
  check('azure: memberOf with GroupMember.Read.All has names and a directoryRole', named.items.map((i) => i.displayName).join() === 'Admins,Readers,Tea Party,Global Reader,Chess Club'
    && named.items.some((i) => i['@odata.type'] === '#microsoft.graph.directoryRole'), named.items.map((i) => i.displayName));
  check('azure: ID token without email scope has no email', !('email' in (await verifyJwt(full.body.id_token, common.jwks_uri, { audience: ID })).payload));
  const ui = (await request(`${base}/graph/oidc/userinfo`, { headers: bearer(t.access_token) })).json();
  check('azure: userinfo sub is the pairwise sub', ui.sub === pairwise && ui.email === 'alice@wonderland.example' && ui.given_name === 'Alice', ui);
  const noTok = await request(`${base}/graph/v1.0/me`);
  check('azure: Graph without token -> 401 InvalidAuthenticationToken', noTok.status === 401 && noTok.json().error.code === 'InvalidAuthenticationToken');

  // Refresh token rotation.
  const refresh = (rt) => token({ grant_type: 'refresh_token', refresh_token: rt, client_id: ID, client_secret: SECRET });
  const r1 = await refresh(t.refresh_token);
  check('azure: refresh rotates the refresh token', r1.status === 200 && r1.json().refresh_token !== t.refresh_token && typeof r1.json().id_token === 'string');
  const old = await refresh(t.refresh_token);
  const oe = old.json();
  check('azure: old refresh token -> 400 invalid_grant AADSTS70008 format', old.status === 400 && oe.error === 'invalid_grant' && oe.error_codes[0] === 70008
    && oe.error_description.startsWith('AADSTS70008: ') && oe.error_description.includes('Trace ID: ') && oe.trace_id && oe.correlation_id && oe.timestamp && oe.error_uri, oe);
  check('azure: basic client auth works for refresh', (await token({ grant_type: 'refresh_token', refresh_token: r1.json().refresh_token }, { authorization: basic(ID, SECRET) })).status === 200);

  const pk = pkce();
  const wrong = await signIn(authUrl('common', { scope: 'openid', code_challenge: pk.challenge, code_challenge_method: 'S256' }), 'alice');
  const we = (await token({ grant_type: 'authorization_code', code: wrong.params.code, redirect_uri: REDIRECT, code_verifier: pkce().verifier, client_id: ID, client_secret: SECRET })).json();
  check('azure: wrong verifier -> invalid_grant', we.error === 'invalid_grant' && we.error_codes[0] === 501481, we);
  const consumer = await signIn(authUrl('consumers', { scope: 'openid', state: 'c' }), 'alice');
  check('azure: sign-in via consumers refused', consumer.params.error === 'invalid_request' && consumer.params.error_description.startsWith('AADSTS50020') && consumer.params.state === 'c', consumer.params);
  const cancel = await signIn(authUrl('organizations', { scope: 'openid', state: 'x' }), 'cancel');
  check('azure: cancel -> access_denied AADSTS65004', cancel.params.error === 'access_denied' && cancel.params.error_description === 'AADSTS65004: User declined to consent to access the app.', cancel.params);
  const secretRes = await token({ grant_type: 'refresh_token', refresh_token: 'x', client_id: ID, client_secret: 'wrong' });
  check('azure: wrong secret -> 401 invalid_client', secretRes.status === 401 && secretRes.json().error === 'invalid_client');

  const bob = await login('bob', 'openid profile email');
  const bobMe = (await request(`${base}/graph/v1.0/me`, { headers: bearer(bob.body.access_token) })).json();
  const bobId = (await verifyJwt(bob.body.id_token, common.jwks_uri, { audience: ID })).payload;
  check('azure: bob has no mail (Graph null, no email claim), no refresh token without offline_access', bobMe.mail === null && !('email' in bobId) && !('refresh_token' in bob.body));
  const bobGroups = (await request(`${base}/graph/v1.0/me/memberOf`, { headers: bearer(bob.body.access_token) })).json();
  check('azure: bob memberOf empty, no nextLink', bobGroups.value.length === 0 && !('@odata.nextLink' in bobGroups));

  const out = await request(buildUrl(base, '/common/oauth2/v2.0/logout', { post_logout_redirect_uri: 'http://127.0.0.1:3000/', id_token_hint: t.id_token, state: 'lo' }));
  check('azure: logout redirects to allowed post_logout_redirect_uri with state', out.status === 302 && out.headers.location === 'http://127.0.0.1:3000/?state=lo', out.headers.location);
  check('azure: last-logout hook', (await request(`${base}/_emulator/last-logout`)).json().id_token_hint === t.id_token);
  const outPage = await request(buildUrl(base, '/common/oauth2/v2.0/logout', { post_logout_redirect_uri: 'http://evil.example/' }));
  check('azure: other post_logout_redirect_uri -> signed-out page', outPage.status === 200 && outPage.text.includes('You signed out'));

  const coopBase = await boot(azure, { coop: true });
  const coop = await request(buildUrl(coopBase, '/common/oauth2/v2.0/authorize', { client_id: ID, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid' }));
  check('azure: coop option adds Cross-Origin-Opener-Policy', coop.headers['cross-origin-opener-policy'] === 'same-origin');
}

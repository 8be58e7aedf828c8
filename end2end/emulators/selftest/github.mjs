// Self-test of the GitHub emulator (OAuth App mode and GitHub App token mode).
import * as github from '../github.mjs';
import { REDIRECT, basic, buildUrl, check, pkce, request, secretOf, signIn } from './kit.mjs';

const ID = 'porte-github';
const SECRET = secretOf('github');
const UA = { 'user-agent': 'porte-selftest' };

export async function run(boot) {
  const base = await boot(github, {});
  const api = `${base}/api/v3`;
  const authUrl = (params) => buildUrl(base, '/login/oauth/authorize', { client_id: ID, redirect_uri: REDIRECT, ...params });
  const exchange = (form, headers = { accept: 'application/json' }) => request(`${base}/login/oauth/access_token`, { method: 'POST', form, headers });
  async function login(user, scope, extra = {}) {
    const { params } = await signIn(authUrl({ scope, state: 's1', ...extra }), user);
    const res = await exchange({ client_id: ID, client_secret: SECRET, code: params.code, redirect_uri: REDIRECT });
    return res.json().access_token;
  }

  // Follows rel="next" like a well-behaved client.
  async function collect(url, accessToken) {
    const items = [];
    let next = url;
    while (next) {
      const r = await request(next, { headers: { ...UA, authorization: `Bearer ${accessToken}` } });
      items.push(...r.json());
      next = /<([^>]+)>; rel="next"/.exec(r.headers.link ?? '')?.[1];
    }
    return items;
  }

  check('github: health', (await request(`${base}/_emulator/health`)).text === 'ok');
  const page = await request(authUrl({ scope: 'read:user' }));
  check('github: sign-in page title and buttons', page.status === 200 && page.text.includes('<title>GitHub emulator — Sign in</title>')
    && page.text.includes('>Continue as alice</button>') && page.text.includes('>Continue as bob</button>') && page.text.includes('>Cancel</button>'));
  const wrongClient = await request(buildUrl(base, '/login/oauth/authorize', { client_id: 'nope', redirect_uri: REDIRECT }));
  check('github: unknown client -> HTML 400', wrongClient.status === 400 && /text\/html/.test(wrongClient.headers['content-type']));
  const wrongRedirect = await request(authUrl({ redirect_uri: 'http://127.0.0.1:3000/elsewhere' }));
  check('github: unregistered redirect_uri -> HTML 400, no redirect', wrongRedirect.status === 400 && !wrongRedirect.headers.location);

  // Full web flow with PKCE S256.
  const p = pkce();
  const scope = 'read:user user:email read:org repo read:user';
  const flow = await signIn(authUrl({ scope, state: 'st-1', code_challenge: p.challenge, code_challenge_method: 'S256', login: 'alice', allow_signup: 'false' }), 'alice');
  check('github: authorize redirects with code and state, no iss', flow.location?.href.startsWith(`${REDIRECT}?code=`) && flow.params.state === 'st-1' && !('iss' in flow.params), flow.location?.href);
  const last = (await request(`${base}/_emulator/last-authorize`)).json();
  check('github: last-authorize shows scope and PKCE', last.scope === scope && last.code_challenge === p.challenge && last.code_challenge_method === 'S256', last);
  const tok = await exchange({ client_id: ID, client_secret: SECRET, code: flow.params.code, redirect_uri: REDIRECT, code_verifier: p.verifier });
  const body = tok.json();
  check('github: JSON token response, comma-separated deduplicated scope', tok.status === 200 && /^gho_[A-Za-z0-9]{36}$/.test(body.access_token)
    && body.scope === 'read:user,user:email,read:org,repo' && body.token_type === 'bearer' && !('expires_in' in body) && !('refresh_token' in body), body);
  const tr = (await request(`${base}/_emulator/last-token-request`)).json();
  check('github: last-token-request', tr.grant_type === null && tr.client_auth === 'post' && tr.has_code_verifier === true && tr.accept === 'application/json', tr);
  const again = await exchange({ client_id: ID, client_secret: SECRET, code: flow.params.code, redirect_uri: REDIRECT, code_verifier: p.verifier });
  check('github: reused code -> HTTP 200 bad_verification_code', again.status === 200 && again.text === JSON.stringify({
    error: 'bad_verification_code',
    error_description: 'The code passed is incorrect or expired.',
    error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code',
  }), again.text);

  // Form-encoded default, Basic client auth.
  const f = await signIn(authUrl({ scope: 'read:user user:email' }), 'alice');
  const formRes = await exchange({ code: f.params.code, redirect_uri: REDIRECT }, { authorization: basic(ID, SECRET) });
  check('github: form-encoded response without Accept', /^application\/x-www-form-urlencoded/.test(formRes.headers['content-type'])
    && /^access_token=gho_[A-Za-z0-9]{36}&scope=read%3Auser%2Cuser%3Aemail&token_type=bearer$/.test(formRes.text), formRes.text);
  check('github: Basic auth recorded', (await request(`${base}/_emulator/last-token-request`)).json().client_auth === 'basic');
  const formErr = await exchange({ client_id: ID, client_secret: SECRET, code: 'bogus' }, {});
  check('github: form-encoded error, still HTTP 200', formErr.status === 200 && formErr.text.startsWith('error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.'), formErr.text);

  const pk = pkce();
  const bad = await signIn(authUrl({ scope: 'read:user', code_challenge: pk.challenge, code_challenge_method: 'S256' }), 'alice');
  const badVerifier = await exchange({ client_id: ID, client_secret: SECRET, code: bad.params.code, code_verifier: pkce().verifier });
  check('github: wrong code_verifier -> bad_verification_code', badVerifier.json().error === 'bad_verification_code');
  const c2 = await signIn(authUrl({ scope: 'read:user' }), 'alice');
  const wrongSecret = await exchange({ client_id: ID, client_secret: 'wrong', code: c2.params.code });
  check('github: wrong secret -> 200 incorrect_client_credentials', wrongSecret.status === 200 && wrongSecret.json().error === 'incorrect_client_credentials');
  const c3 = await signIn(authUrl({ scope: 'read:user' }), 'alice');
  const mism = await exchange({ client_id: ID, client_secret: SECRET, code: c3.params.code, redirect_uri: 'http://127.0.0.1:3000/other' });
  check('github: redirect_uri mismatch at token endpoint', mism.json().error === 'redirect_uri_mismatch');
  const plain = await request(authUrl({ scope: 'read:user', state: 'x', code_challenge: pk.verifier, code_challenge_method: 'plain' }));
  check('github: plain PKCE refused via redirect', plain.status === 302 && plain.location.searchParams.get('error') === 'invalid_request');
  const cancel = await signIn(authUrl({ scope: 'read:user', state: 'st-c' }), 'cancel');
  check('github: cancel -> access_denied with GitHub text', cancel.params.error === 'access_denied'
    && cancel.params.error_description === 'The user has denied your application access.' && cancel.params.state === 'st-c', cancel.params);
  const noState = await signIn(authUrl({ scope: 'read:user' }), 'alice');
  check('github: no state sent -> none echoed', !('state' in noState.params));

  // REST API.
  const token = body.access_token;
  const noUa = await request(`${api}/user`, { headers: { authorization: `Bearer ${token}` } });
  check('github: API without User-Agent -> 403', noUa.status === 403 && noUa.json().message.startsWith('Request forbidden by administrative rules. Please make sure your request has a User-Agent header'));
  check('github: API without token -> 401', (await request(`${api}/user`, { headers: UA })).status === 401);
  const badTok = await request(`${api}/user`, { headers: { ...UA, authorization: 'Bearer gho_nope' } });
  check('github: unknown token -> 401 Bad credentials', badTok.status === 401 && badTok.json().message === 'Bad credentials' && badTok.json().documentation_url === 'https://docs.github.com/rest');
  const me = await request(`${api}/user`, { headers: { ...UA, authorization: `token ${token}` } });
  const u = me.json();
  check('github: /user (token scheme)', me.status === 200 && u.login === 'alice' && u.id === 1001 && u.name === 'Alice Liddell' && u.email === null
    && u.type === 'User' && u.avatar_url === `${base}/avatars/alice.svg` && typeof u.node_id === 'string', u);
  check('github: X-OAuth-Scopes header', me.headers['x-oauth-scopes'] === 'read:user, user:email, read:org, repo', me.headers['x-oauth-scopes']);
  const emails = (await request(`${api}/user/emails`, { headers: { ...UA, authorization: `Bearer ${token}` } })).json();
  check('github: /user/emails, primary not first', emails.length === 3 && emails[0].primary === false && emails[1].primary === true
    && emails[1].email === 'alice@wonderland.example' && emails[2].verified === false, emails);

  const teamsUrl = `${api}/user/teams?per_page=100`;
  const t1 = await request(teamsUrl, { headers: { ...UA, authorization: `Bearer ${token}` } });
  check('github: /user/teams page 1 Link header exact', t1.headers.link === `<${api}/user/teams?per_page=2&page=2>; rel="next", <${api}/user/teams?per_page=2&page=3>; rel="last"`, t1.headers.link);
  const t2 = await request(`${api}/user/teams?per_page=2&page=2`, { headers: { ...UA, authorization: `Bearer ${token}` } });
  check('github: /user/teams page 2 has prev/next/last/first', t2.headers.link === [
    `<${api}/user/teams?per_page=2&page=1>; rel="prev"`, `<${api}/user/teams?per_page=2&page=3>; rel="next"`,
    `<${api}/user/teams?per_page=2&page=3>; rel="last"`, `<${api}/user/teams?per_page=2&page=1>; rel="first"`].join(', '), t2.headers.link);
  const teams = await collect(teamsUrl, token);
  check('github: following Link yields 5 teams over 2 orgs', teams.length === 5 && teams[0].slug === 'admins' && teams[0].organization.login === 'wonderland'
    && teams[4].organization.login === 'looking-glass' && 'members_count' in teams[0] && 'permission' in teams[0], teams.map((t) => t.slug));
  const repos = await request(`${api}/user/repos?per_page=2&page=2`, { headers: { ...UA, authorization: `Bearer ${token}` } });
  check('github: /user/repos paginated (3 repos)', repos.json().length === 1 && repos.json()[0].full_name === 'alice/tea-party' && /rel="prev"/.test(repos.headers.link));

  const narrow = await login('alice', 'public_repo');
  const pubAll = await collect(`${api}/user/repos`, narrow);
  check('github: public_repo lists public repos only', pubAll.length === 2 && pubAll.every((r) => !r.private), pubAll.map((r) => r.name));
  check('github: /user/emails without user:email -> 404', (await request(`${api}/user/emails`, { headers: { ...UA, authorization: `Bearer ${narrow}` } })).status === 404);
  check('github: /user/teams without read:org -> 403', (await request(`${api}/user/teams`, { headers: { ...UA, authorization: `Bearer ${narrow}` } })).status === 403);

  const bob = await login('bob', 'read:user user:email read:org');
  const bobUser = (await request(`${api}/user`, { headers: { ...UA, authorization: `Bearer ${bob}` } })).json();
  check('github: bob has no display name', bobUser.login === 'bob' && bobUser.id === 1002 && bobUser.name === null);
  const bobEmails = (await request(`${api}/user/emails`, { headers: { ...UA, authorization: `Bearer ${bob}` } })).json();
  check('github: bob primary email unverified', bobEmails[0].primary && !bobEmails[0].verified && bobEmails[1].verified);
  const bobTeams = await request(`${api}/user/teams`, { headers: { ...UA, authorization: `Bearer ${bob}` } });
  check('github: bob has no teams, no Link', bobTeams.text === '[]' && !bobTeams.headers.link);

  // Revocation (DELETE /applications/{client_id}/token).
  const del = (auth, accessToken) => request(`${api}/applications/${ID}/token`, { method: 'DELETE', headers: { ...UA, authorization: auth }, json: { access_token: accessToken } });
  check('github: revoke with bad Basic -> 401', (await del(basic(ID, 'wrong'), bob)).status === 401);
  check('github: revoke -> 204', (await del(basic(ID, SECRET), bob)).status === 204);
  check('github: revoked token -> 401', (await request(`${api}/user`, { headers: { ...UA, authorization: `Bearer ${bob}` } })).status === 401);
  check('github: revoke unknown token -> 404', (await del(basic(ID, SECRET), bob)).status === 404);
  check('github: reset hook', (await request(`${base}/_emulator/reset`, { method: 'POST' })).status === 200
    && (await request(`${api}/user`, { headers: { ...UA, authorization: `Bearer ${token}` } })).status === 401);

  // GitHub App user tokens.
  const appBase = await boot(github, { expiringTokens: true });
  const a = await signIn(buildUrl(appBase, '/login/oauth/authorize', { client_id: ID, redirect_uri: REDIRECT, state: 'z' }), 'alice');
  const appTok = (await request(`${appBase}/login/oauth/access_token`, { method: 'POST', headers: { accept: 'application/json' }, form: { client_id: ID, client_secret: SECRET, code: a.params.code } })).json();
  check('github app: ghu_/ghr_ tokens with expiry', /^ghu_/.test(appTok.access_token) && appTok.expires_in === 28800 && /^ghr_/.test(appTok.refresh_token)
    && appTok.refresh_token_expires_in === 15811200 && appTok.scope === '' && appTok.token_type === 'bearer', appTok);
  check('github app: teams readable without scopes', (await request(`${appBase}/api/v3/user/teams`, { headers: { ...UA, authorization: `Bearer ${appTok.access_token}` } })).status === 200);
  const refresh = (rt) => request(`${appBase}/login/oauth/access_token`, { method: 'POST', headers: { accept: 'application/json' }, form: { client_id: ID, client_secret: SECRET, grant_type: 'refresh_token', refresh_token: rt } });
  const r1 = (await refresh(appTok.refresh_token)).json();
  check('github app: refresh issues a new pair', /^ghu_/.test(r1.access_token) && r1.access_token !== appTok.access_token && r1.refresh_token !== appTok.refresh_token);
  check('github app: old access token dead after refresh', (await request(`${appBase}/api/v3/user`, { headers: { ...UA, authorization: `Bearer ${appTok.access_token}` } })).status === 401);
  const reuse = await refresh(appTok.refresh_token);
  check('github app: reused refresh token -> 200 bad_refresh_token', reuse.status === 200 && reuse.json().error === 'bad_refresh_token', reuse.text);
  check('github app: new access token works', (await request(`${appBase}/api/v3/user`, { headers: { ...UA, authorization: `Bearer ${r1.access_token}` } })).status === 200);
}

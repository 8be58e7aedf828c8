// Self-test for the local OpenID provider. Start the provider first, then run
//   node provider/selftest.mjs
// with the same OIDC_* environment (port/issuer, OIDC_AUTO_APPROVE, OIDC_COOP,
// OIDC_ACCESS_TOKEN_TTL). Exits non-zero when a check fails.
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';

const env = process.env;
const ISSUER = (env.OIDC_ISSUER || `http://127.0.0.1:${env.OIDC_PORT || 4010}`).replace(/\/+$/, '');
const CLIENT_ID = 'porte-local';
const SECRET = 'porte-local-dev-secret-0123456789abcdef';
const REDIRECT = 'http://127.0.0.1:3000/api/oauth/redirect';
const AUTO = env.OIDC_AUTO_APPROVE === '1' || env.OIDC_AUTO_APPROVE === 'true';
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${SECRET}`).toString('base64')}`;

let passed = 0;
let failed = 0;
function check(name, ok, detail) {
  if (ok) { passed += 1; console.log(`ok   - ${name}`); } else { failed += 1; console.log(`FAIL - ${name}${detail === undefined ? '' : `: ${detail}`}`); }
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

// A tiny cookie-keeping "browser" that never follows redirects by itself.
function browser() {
  const jar = new Map(); // `${name};${path}` -> { name, value, path }
  async function request(url, init = {}) {
    const target = new URL(url, ISSUER);
    const cookies = [...jar.values()].filter((c) => target.pathname.startsWith(c.path))
      .map((c) => `${c.name}=${c.value}`).join('; ');
    const headers = { ...init.headers, ...(cookies ? { cookie: cookies } : {}) };
    const res = await fetch(target, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const [name, ...rest] = pair.split('=');
      const value = rest.join('=');
      const pathAttr = attrs.find((a) => a.toLowerCase().startsWith('path='));
      const cpath = pathAttr ? pathAttr.slice(5) : '/';
      const expired = attrs.some((a) => /^expires=/i.test(a) && new Date(a.slice(8)) < new Date());
      if (expired || value === '') jar.delete(`${name};${cpath}`); else jar.set(`${name};${cpath}`, { name, value, path: cpath });
    }
    return res;
  }
  // Follows redirects on the provider until a page is shown or we are sent to the client.
  async function follow(url, init) {
    let res = await request(url, init);
    for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops += 1) {
      const location = new URL(res.headers.get('location'), ISSUER);
      if (location.origin !== new URL(ISSUER).origin) return { res, location };
      res = await request(location);
    }
    return { res, location: undefined, url: res.url };
  }
  return { request, follow };
}

function authorizeUrl({ scope = 'openid profile email offline_access groups', prompt = 'consent', challenge, state, nonce, loginHint }) {
  const u = new URL('/auth', ISSUER);
  const p = {
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT, scope, state, nonce,
    ...(prompt ? { prompt } : {}), ...(loginHint ? { login_hint: loginHint } : {}),
    ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
  };
  for (const [k, v] of Object.entries(p)) if (v !== undefined) u.searchParams.set(k, v);
  return u;
}

const form = (obj) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(obj).toString(),
});

async function token(params) {
  const res = await fetch(`${ISSUER}/token`, { ...form(params), headers: { ...form(params).headers, authorization: BASIC } });
  return { status: res.status, body: await res.json() };
}

async function userinfo(accessToken) {
  const res = await fetch(`${ISSUER}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: res.status, body: res.status === 200 ? await res.json() : await res.text() };
}

// Runs the browser part of the flow up to the redirect back to the client.
async function authorize(b, { username, password, decision = 'allow', ...opts }) {
  const verifier = b64url(randomBytes(32));
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = b64url(randomBytes(8));
  const nonce = b64url(randomBytes(8));
  let step = await b.follow(authorizeUrl({ ...opts, challenge, state, nonce }));
  const pages = [];
  while (!step.location) {
    const html = await step.res.text();
    const uid = /action="\/interaction\/([^"]+)"/.exec(html)?.[1];
    if (!uid) throw new Error(`unexpected page (${step.res.status}): ${html.slice(0, 200)}`);
    if (html.includes('id="password"')) {
      pages.push({ kind: 'login', html, status: step.res.status });
      if (pages.filter((p) => p.kind === 'login').length > 1) throw new Error('login page shown twice');
      step = await b.follow(`/interaction/${uid}`, form({ username, password }));
    } else {
      pages.push({ kind: 'consent', html, status: step.res.status, coop: step.res.headers.get('cross-origin-opener-policy') });
      step = await b.follow(`/interaction/${uid}`, form({ decision }));
    }
  }
  return { location: step.location, params: step.location.searchParams, verifier, state, nonce, pages };
}

function verifyJwt(jwt, jwks) {
  const [h, p, s] = jwt.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk || header.alg !== 'RS256') return undefined;
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'));
  return ok ? JSON.parse(Buffer.from(p, 'base64url')) : undefined;
}

async function main() {
  // Discovery and keys.
  const disc = await (await fetch(`${ISSUER}/.well-known/openid-configuration`)).json();
  check('discovery issuer', disc.issuer === ISSUER, disc.issuer);
  check('discovery S256 only', JSON.stringify(disc.code_challenge_methods_supported) === '["S256"]');
  check('discovery iss parameter supported', disc.authorization_response_iss_parameter_supported === true);
  check('discovery end_session + revocation', disc.end_session_endpoint === `${ISSUER}/session/end` && disc.revocation_endpoint === `${ISSUER}/token/revocation`);
  check('discovery code flow only', JSON.stringify(disc.response_types_supported) === '["code"]'
    && !disc.grant_types_supported.includes('implicit') && disc.grant_types_supported.includes('refresh_token'), JSON.stringify(disc.grant_types_supported));
  check('discovery scopes', ['openid', 'profile', 'email', 'offline_access', 'groups'].every((s) => disc.scopes_supported.includes(s)));
  const jwks = await (await fetch(disc.jwks_uri)).json();
  check('jwks has an RS256 key with kid', jwks.keys.length === 1 && jwks.keys[0].kty === 'RSA' && jwks.keys[0].kid && !jwks.keys[0].d);

  // PKCE is mandatory.
  const noPkce = await fetch(authorizeUrl({ state: 'np' }), { redirect: 'manual' });
  const noPkceLoc = new URL(noPkce.headers.get('location') ?? 'http://invalid/');
  check('authorize without code_challenge rejected', noPkceLoc.searchParams.get('error') === 'invalid_request' && noPkceLoc.searchParams.get('iss') === ISSUER, noPkceLoc.href);

  // Full flow as alice.
  const alice = browser();
  if (!AUTO) {
    const first = await alice.follow(authorizeUrl({ challenge: 'x'.repeat(43), state: 's' }));
    const html = await first.res.text();
    check('login page has form, button and test users', html.includes('id="username"') && html.includes('id="password"')
      && html.includes('Sign in</button>') && html.includes('wonderland') && html.includes('builder'));
    check('COOP header on HTML pages', !env.OIDC_COOP || first.res.headers.get('cross-origin-opener-policy') === env.OIDC_COOP);
    const uid = /action="\/interaction\/([^"]+)"/.exec(html)[1];
    const bad = await alice.request(`/interaction/${uid}`, form({ username: 'alice', password: 'nope' }));
    const badHtml = await bad.text();
    check('wrong password shows error', [200, 401].includes(bad.status) && badHtml.includes('Wrong username or password'), bad.status);
  }
  const flow = await authorize(alice, { username: 'alice', password: 'wonderland', loginHint: AUTO ? 'alice' : undefined });
  check('pages shown', AUTO ? flow.pages.length === 0 : flow.pages.map((p) => p.kind).join() === 'login,consent', flow.pages.map((p) => p.kind).join());
  if (!AUTO) {
    const consent = flow.pages[1].html;
    check('consent page shows client and scopes', consent.includes('porte-local') && consent.includes('offline_access')
      && consent.includes('>Allow</button>') && consent.includes('>Deny</button>'));
  }
  check('redirect has code, state, iss', flow.location.href.startsWith(REDIRECT) && flow.params.get('code')
    && flow.params.get('state') === flow.state && flow.params.get('iss') === ISSUER, flow.location.href.replace(/code=[^&]+/, 'code=…'));

  const wrongVerifier = await token({ grant_type: 'authorization_code', code: flow.params.get('code'), redirect_uri: REDIRECT, code_verifier: b64url(randomBytes(32)) });
  check('code exchange with wrong verifier fails', wrongVerifier.body.error === 'invalid_grant', wrongVerifier.body.error);
  const flow2 = await authorize(alice, { username: 'alice', password: 'wonderland' });
  const t1 = await token({ grant_type: 'authorization_code', code: flow2.params.get('code'), redirect_uri: REDIRECT, code_verifier: flow2.verifier });
  check('code exchange', t1.status === 200 && t1.body.access_token && t1.body.refresh_token && t1.body.id_token && t1.body.token_type === 'Bearer', JSON.stringify(t1.body.error));
  check('access token lifetime', t1.body.expires_in === Number(env.OIDC_ACCESS_TOKEN_TTL || 3600), t1.body.expires_in);
  const idt = verifyJwt(t1.body.id_token, jwks);
  check('id token RS256 signature and claims', idt && idt.iss === ISSUER && idt.aud === CLIENT_ID && idt.sub === 'user-alice' && idt.nonce === flow2.nonce, JSON.stringify(idt));

  const ui = await userinfo(t1.body.access_token);
  const expected = { sub: 'user-alice', name: 'Alice Liddell', preferred_username: 'alice', email: 'alice@example.test', email_verified: true, groups: ['readers', 'admins'] };
  check('userinfo claims', ui.status === 200 && Object.entries(expected).every(([k, v]) => JSON.stringify(ui.body[k]) === JSON.stringify(v)), JSON.stringify(ui.body));
  check('userinfo picture on the provider', ui.body.picture === `${ISSUER}/avatars/alice.svg`, ui.body.picture);
  const avatar = await fetch(ui.body.picture);
  check('avatar is served as SVG', avatar.status === 200 && avatar.headers.get('content-type').startsWith('image/svg+xml') && (await avatar.text()).startsWith('<svg'));

  const ttl = Number(env.OIDC_ACCESS_TOKEN_TTL || 3600);
  if (ttl <= 10) {
    await new Promise((resolve) => { setTimeout(resolve, (ttl + 1) * 1000); });
    check('access token expires after OIDC_ACCESS_TOKEN_TTL', (await userinfo(t1.body.access_token)).status === 401);
  }

  // Refresh rotation and reuse detection.
  const r1 = await token({ grant_type: 'refresh_token', refresh_token: t1.body.refresh_token });
  check('refresh works and rotates', r1.status === 200 && r1.body.access_token && r1.body.refresh_token && r1.body.refresh_token !== t1.body.refresh_token, JSON.stringify(r1.body.error));
  check('refreshed access token works', (await userinfo(r1.body.access_token)).status === 200);
  const reuse = await token({ grant_type: 'refresh_token', refresh_token: t1.body.refresh_token });
  check('reused refresh token -> invalid_grant', reuse.status === 400 && reuse.body.error === 'invalid_grant', JSON.stringify(reuse.body));
  const after = await token({ grant_type: 'refresh_token', refresh_token: r1.body.refresh_token });
  check('newest refresh token revoked after reuse', after.body.error === 'invalid_grant', JSON.stringify(after.body));
  check('access token revoked after reuse', (await userinfo(r1.body.access_token)).status === 401);

  // offline_access without prompt=consent is dropped: no refresh token.
  const quiet = await authorize(alice, { prompt: null, username: 'alice', password: 'wonderland' });
  const tq = await token({ grant_type: 'authorization_code', code: quiet.params.get('code'), redirect_uri: REDIRECT, code_verifier: quiet.verifier });
  check('offline_access without prompt=consent -> no refresh token', tq.status === 200 && !tq.body.refresh_token
    && !tq.body.scope.split(' ').includes('offline_access'), JSON.stringify(Object.keys(tq.body)));

  // Revocation endpoint.
  const rev = await fetch(`${ISSUER}/token/revocation`, { ...form({ token: tq.body.access_token }), headers: { ...form({}).headers, authorization: BASIC } });
  check('revocation endpoint', rev.status === 200 && (await userinfo(tq.body.access_token)).status === 401, rev.status);

  // RP-initiated logout.
  const lo = await alice.follow(`/session/end?${new URLSearchParams({ id_token_hint: t1.body.id_token, post_logout_redirect_uri: 'http://127.0.0.1:3000/', state: 'bye' })}`);
  const loHtml = await lo.res.text();
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(loHtml)?.[1];
  const done = await alice.follow('/session/end/confirm', form({ xsrf, logout: 'yes' }));
  check('logout redirects to post_logout_redirect_uri', done.location?.href === 'http://127.0.0.1:3000/?state=bye', done.location?.href);

  // Deny (bob, fresh browser).
  if (!AUTO) {
    const denied = await authorize(browser(), { username: 'bob', password: 'builder', decision: 'deny' });
    check('deny -> access_denied with description', denied.params.get('error') === 'access_denied'
      && denied.params.get('error_description') === 'The user denied the request' && denied.params.get('state') === denied.state
      && denied.params.get('iss') === ISSUER, denied.location.href);
    check('COOP header on consent page', !env.OIDC_COOP || denied.pages[1].coop === env.OIDC_COOP);
  } else {
    const bob = await authorize(browser(), { loginHint: 'bob' });
    const tb = await token({ grant_type: 'authorization_code', code: bob.params.get('code'), redirect_uri: REDIRECT, code_verifier: bob.verifier });
    const ub = await userinfo(tb.body.access_token);
    check('auto-approve signs in login_hint user', ub.body.sub === 'user-bob' && ub.body.email_verified === false, JSON.stringify(ub.body));
  }
}

try {
  await main();
} catch (err) {
  failed += 1;
  console.log(`FAIL - unexpected error: ${err.stack}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

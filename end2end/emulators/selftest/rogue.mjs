// Self-test of the misbehaving OpenID provider emulator: correct by default, and each
// mode misbehaves exactly as documented in rogue.mjs.
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';

import { REDIRECT, basic, bearer, buildUrl, check, pkce, request, secretOf, verifyJwt } from './kit.mjs';
import * as rogue from '../rogue.mjs';
import { publicPem } from '../rogue-tokens.mjs';

const ID = 'porte-rogue';
const SECRET = secretOf('rogue');

// Resolves to 'pending' when no answer came within `ms` (the hang modes).
const within = (promise, ms) => Promise.race([
  promise.then((r) => r, (e) => ({ error: e.code || e.message })),
  new Promise((resolve) => { setTimeout(() => resolve('pending'), ms); }),
]);

export async function run(boot) {
  const base = await boot(rogue, {});
  const hook = (mode) => request(`${base}/_emulator/rogue/mode`, { method: 'POST', json: { mode } });
  const stats = async () => (await request(`${base}/_emulator/rogue/stats`)).json();
  const disco = (await request(`${base}/.well-known/openid-configuration`)).json();
  check('rogue: discovery (RS256, S256, RFC 9207)', disco.issuer === base && disco.jwks_uri === `${base}/jwks` && disco.token_endpoint === `${base}/token`
    && disco.id_token_signing_alg_values_supported.join() === 'RS256' && disco.code_challenge_methods_supported.join() === 'S256'
    && disco.authorization_response_iss_parameter_supported === true, disco);

  // One login like a client: authorize (approved at once) -> token (Basic) -> userinfo.
  async function login({ verifier } = {}) {
    const p = pkce();
    const url = buildUrl(base, '/authorize', { response_type: 'code', client_id: ID, redirect_uri: REDIRECT, scope: 'openid profile email', state: 'st', nonce: 'n-1', code_challenge: p.challenge, code_challenge_method: 'S256' });
    const res = await request(url);
    const params = res.location ? Object.fromEntries(res.location.searchParams) : {};
    const tokenPromise = request(`${base}/token`, { method: 'POST', headers: { authorization: basic(ID, SECRET) }, form: { grant_type: 'authorization_code', code: params.code, redirect_uri: REDIRECT, code_verifier: verifier ?? p.verifier } });
    return { res, params, tokenPromise };
  }
  async function idToken() {
    const token = await (await login()).tokenPromise;
    const t = token.json();
    return { t, header: decodeProtectedHeader(t.id_token), claims: decodeJwt(t.id_token) };
  }

  const normal = await login();
  check('rogue: authorize -> 302 with code, state and iss', normal.res.status === 302 && normal.params.code && normal.params.state === 'st' && normal.params.iss === base, normal.res.location?.href);
  const t = (await normal.tokenPromise).json();
  const { payload } = await verifyJwt(t.id_token, disco.jwks_uri, { issuer: base, audience: ID });
  check('rogue: normal ID token verifies (iss, aud, nonce, sub)', payload.nonce === 'n-1' && payload.sub === 'rogue-alice' && payload.exp > payload.iat, payload);
  const info = (await request(`${base}/userinfo`, { headers: bearer(t.access_token) })).json();
  check('rogue: userinfo sub = ID token sub', info.sub === payload.sub, info);
  const badPkce = await (await login({ verifier: pkce().verifier })).tokenPromise;
  check('rogue: wrong PKCE verifier -> 400 invalid_grant', badPkce.status === 400 && badPkce.json().error === 'invalid_grant', badPkce.text);
  const noPkce = await request(buildUrl(base, '/authorize', { response_type: 'code', client_id: ID, redirect_uri: REDIRECT, scope: 'openid', state: 's' }));
  check('rogue: no PKCE -> error redirect', noPkce.location?.searchParams.get('error') === 'invalid_request');
  const badClient = await request(`${base}/token`, { method: 'POST', headers: { authorization: basic(ID, 'wrong') }, form: { grant_type: 'authorization_code', code: 'x' } });
  check('rogue: wrong client secret -> 401', badClient.status === 401);
  check('rogue: /broken discovery is 404 when normal', (await request(`${base}/broken/.well-known/openid-configuration`)).status === 404);
  check('rogue: unknown mode -> 400', (await hook('nope')).status === 400);

  const publishedKid = (await request(disco.jwks_uri)).json().keys[0].kid;
  const expectations = {
    'wrong-iss': ({ claims }) => claims.iss !== base,
    'wrong-aud': ({ claims }) => claims.aud === 'porte-someone-else',
    'multi-aud-no-azp': ({ claims }) => Array.isArray(claims.aud) && claims.aud.length === 2 && claims.aud.includes(ID) && !('azp' in claims),
    expired: ({ claims }) => claims.exp < Date.now() / 1000 - 3000,
    'iat-future': ({ claims }) => claims.iat > Date.now() / 1000 + 3000,
    'wrong-nonce': ({ claims }) => claims.nonce !== 'n-1',
    'alg-none': ({ header, t: tok }) => header.alg === 'none' && tok.id_token.endsWith('.'),
    async 'hs256-public-key'({ header, t: tok }) {
      const jwk = (await request(disco.jwks_uri)).json().keys[0];
      const ok = await jwtVerify(tok.id_token, new TextEncoder().encode(publicPem(jwk)), { algorithms: ['HS256'] }).then(() => true, () => false);
      return header.alg === 'HS256' && header.kid === publishedKid && ok;
    },
    'bad-signature': async ({ header, t: tok }) => header.kid === publishedKid
      && (await verifyJwt(tok.id_token, disco.jwks_uri).then(() => 'verified', (e) => e.code)) === 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
    'unknown-kid': async ({ header }) => !(await request(disco.jwks_uri)).json().keys.some((k) => k.kid === header.kid),
    'rotate-keys': async ({ header, t: tok }) => {
      const keys = (await request(disco.jwks_uri)).json().keys.map((k) => k.kid);
      return keys.length === 2 && keys[0] === header.kid && keys[1] === publishedKid && header.kid !== publishedKid
        && (await verifyJwt(tok.id_token, disco.jwks_uri, { issuer: base, audience: ID }).then(() => true, () => false));
    },
    'userinfo-sub-mismatch': async ({ claims, t: tok }) => (await request(`${base}/userinfo`, { headers: bearer(tok.access_token) })).json().sub !== claims.sub,
  };
  for (const [mode, ok] of Object.entries(expectations)) {
    await hook(mode);
    const got = await idToken();
    check(`rogue: ${mode}`, await ok(got), { header: got.header, claims: got.claims });
  }
  await hook('reset');
  check('rogue: reset -> normal signer again', decodeProtectedHeader((await idToken()).t.id_token).kid === publishedKid);

  // Token endpoint faults.
  const tokenRequest = async () => (await login()).tokenPromise;
  await hook('token-307');
  const r307 = await tokenRequest();
  check('rogue: token-307 -> 307 to the stolen endpoint', r307.status === 307 && r307.location?.href === `${base}/_emulator/rogue/stolen`, r307.headers);
  check('rogue: stolen endpoint empty before anyone follows', (await stats()).stolen.requests === 0);
  await request(`${base}/_emulator/rogue/stolen`, { method: 'POST', headers: { authorization: basic(ID, SECRET) }, form: { grant_type: 'authorization_code', code: 'c' } });
  const afterFollow = (await stats()).stolen;
  check('rogue: stolen endpoint records a follower with credentials', afterFollow.requests === 1 && afterFollow.withAuthorization === 1 && afterFollow.withClientSecret === 1 && afterFollow.withCode === 1, afterFollow);
  await hook('token-500');
  const r500 = await tokenRequest();
  check('rogue: token-500 -> HTML 500', r500.status === 500 && r500.headers['content-type'].startsWith('text/html'));
  await hook('token-malformed-json');
  const rBad = await tokenRequest();
  let parsed = true;
  try { JSON.parse(rBad.text); } catch { parsed = false; }
  check('rogue: token-malformed-json -> 200, not JSON', rBad.status === 200 && !parsed, rBad.text);
  await hook('token-200-error');
  const r200 = await tokenRequest();
  check('rogue: token-200-error -> 200 invalid_grant', r200.status === 200 && r200.json().error === 'invalid_grant' && !('access_token' in r200.json()), r200.text);
  await hook('token-close');
  const closed = await within(tokenRequest(), 2000);
  check('rogue: token-close -> connection destroyed', closed !== 'pending' && closed.error, closed);
  await hook('token-hang');
  const hung = within(tokenRequest(), 5000);
  const hungEarly = await within(hung, 300);
  check('rogue: token-hang -> no answer', hungEarly === 'pending' && (await stats()).hung === 1);
  await hook('reset');
  const dropped = await hung;
  check('rogue: reset drops the hanging request', dropped !== 'pending' && dropped.error, dropped);

  // JWKS faults: the token is signed with a key the normal JWKS never had.
  for (const [mode, ok] of [
    ['jwks-malformed', (res) => { try { JSON.parse(res.text); return false; } catch { return res.status === 200; } }],
    ['jwks-empty', (res) => res.status === 200 && res.text === '{"keys":[]}'],
  ]) {
    await hook(mode);
    const { header } = await idToken();
    const jwks = await request(disco.jwks_uri);
    await hook('normal');
    const normalKids = (await request(disco.jwks_uri)).json().keys.map((k) => k.kid);
    check(`rogue: ${mode} (and an unpublished kid)`, ok(jwks) && !normalKids.includes(header.kid), jwks.text);
  }

  // Discovery faults, on the second issuer only.
  const broken = () => request(`${base}/broken/.well-known/openid-configuration`);
  await hook('discovery-500');
  check('rogue: discovery-500 on /broken, main issuer unaffected', (await broken()).status === 500
    && (await request(`${base}/.well-known/openid-configuration`)).status === 200);
  await hook('discovery-malformed');
  const malformed = await broken();
  check('rogue: discovery-malformed', malformed.status === 200 && !malformed.text.trim().endsWith('}'), malformed.text);
  await hook('discovery-hang');
  const hangingDisco = within(broken(), 5000);
  check('rogue: discovery-hang -> no answer', (await within(hangingDisco, 300)) === 'pending');
  const before = await stats();
  check('rogue: stats count requests and faults', before.brokenDiscovery === 3 && before.faults === 7 && before.hung === 1 && before.mode === 'discovery-hang', before);
  await hook('reset');
  check('rogue: reset drops the hanging discovery', (await hangingDisco) !== 'pending');
  const zero = await stats();
  check('rogue: reset zeroes the counters', zero.mode === 'normal' && zero.token === 0 && zero.jwks === 0 && zero.faults === 0 && zero.stolen.requests === 0, zero);
}

// Helpers of the login load driver (driver.mjs): a bare HTTP/1.1 client on node:http with
// keep-alive, a per-login cookie jar that honours paths like a browser, the two login flows
// (through the app, and the provider alone), and small process/statistics utilities.
// Node built-ins only, and ../porte-wire.mjs for start_login's compact answer.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import zlib from 'node:zlib';
import { readLoginStart } from '../porte-wire.mjs';

const REQUEST_TIMEOUT_MS = 30_000;

/** A failed login step; `kind` is what the driver counts errors by. */
export class LoginFailure extends Error {
  constructor(kind, detail) {
    super(`${kind}${detail ? `: ${detail}` : ''}`);
    this.kind = kind;
  }
}

/** Keep-alive connections, one agent per run phase (destroyed between phases). */
export function newAgent() {
  return new http.Agent({ keepAlive: true, maxSockets: Infinity, scheduling: 'lifo' });
}

/** What a browser accepts (Chromium and Firefox also offer zstd, which node 20 cannot read): a
 * server that compresses its answers spends that CPU on every real login, so the driver's logins
 * make it spend it too. */
const ACCEPT_ENCODING = 'gzip, deflate, br';
const DECODERS = { gzip: zlib.gunzipSync, deflate: zlib.inflateSync, br: zlib.brotliDecompressSync };

/** One request; resolves to { status, headers, body, raw } (body as text, raw as decoded bytes).
 * Never follows redirects. */
export function request(agent, method, url, { headers = {}, body } = {}) {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({
      agent, method, host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`,
      headers: {
        'accept-encoding': ACCEPT_ENCODING,
        ...headers,
        ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }),
      },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const encoding = res.headers['content-encoding'] ?? 'identity';
        const decode = encoding === 'identity' ? (b) => b : DECODERS[encoding];
        if (!decode) { reject(new LoginFailure(`content-encoding ${encoding}`, `${method} ${u.pathname}`)); return; }
        let raw;
        try { raw = decode(Buffer.concat(chunks)); } catch (err) {
          reject(new LoginFailure(`undecodable ${encoding} body`, `${method} ${u.pathname}: ${err.message}`));
          return;
        }
        resolve({ status: res.statusCode, headers: res.headers, body: raw.toString('utf8'), raw });
      });
      res.on('error', reject);
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new LoginFailure('timeout', `${method} ${u.pathname}`)));
    req.on('error', (err) => reject(err instanceof LoginFailure ? err
      : new LoginFailure(`network ${err.code ?? err.message}`, `${method} ${u.pathname}`)));
    req.end(body);
  });
}

function pathMatches(requestPath, cookiePath) {
  return requestPath === cookiePath
    || (requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/'));
}

/** The cookies of one simulated browser (cookies ignore ports, like a browser's). */
export class CookieJar {
  constructor() { this.cookies = []; }

  store(setCookie, requestPath) {
    for (const line of setCookie ?? []) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = null;
      let expired = false;
      for (const attr of attrs) {
        const i = attr.indexOf('=');
        const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
        const val = i < 0 ? '' : attr.slice(i + 1).trim();
        if (key === 'path' && val.startsWith('/')) path = val;
        else if (key === 'max-age') expired = Number(val) <= 0;
        else if (key === 'expires' && !/max-age/i.test(line)) expired = Date.parse(val) <= Date.now();
      }
      path ??= requestPath.slice(0, Math.max(1, requestPath.lastIndexOf('/')));
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired) this.cookies.push({ name, path, value });
    }
  }

  header(requestPath) {
    const sent = this.cookies.filter((c) => pathMatches(requestPath, c.path))
      .sort((a, b) => b.path.length - a.path.length);
    return sent.length ? sent.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  has(name) { return this.cookies.some((c) => c.name === name); }
}

/** A request that sends and stores the jar's cookies. */
async function browse(agent, jar, method, url, { headers = {}, body } = {}) {
  const { pathname } = new URL(url);
  const cookie = jar.header(pathname);
  const res = await request(agent, method, url, { headers: cookie ? { ...headers, cookie } : headers, body });
  jar.store(res.headers['set-cookie'], pathname);
  return res;
}

/** Follows the provider's redirects (login and consent interactions, auto-approved) until the
 * Location is `redirectUri`; returns that Location without fetching it. */
async function authorize(agent, jar, url, redirectUri) {
  let next = url;
  for (let hop = 0; hop < 12; hop += 1) {
    const res = await browse(agent, jar, 'GET', next);
    const location = res.headers.location;
    if (res.status < 300 || res.status > 399 || !location) {
      const error = /<h1[^>]*>([^<]*)</.exec(res.body)?.[1] ?? '';
      throw new LoginFailure(`authorize: HTTP ${res.status}`, error.trim().slice(0, 120));
    }
    const target = new URL(location, next).href;
    if (target.startsWith(`${redirectUri}?`)) return new URL(target);
    next = target;
  }
  throw new LoginFailure('authorize: too many redirects');
}

function parseJson(text, kind) {
  try {
    return JSON.parse(text);
  } catch {
    throw new LoginFailure(kind, 'not JSON');
  }
}

/** start_login's answer: Porte's compact wire, or JSON from a server older than it (so that
 * `BENCH_BASE=<older revision> scripts/bench` still compares the two). */
function readStart(res) {
  if (String(res.headers['content-type']).startsWith('application/json')) {
    return parseJson(res.body, 'start_login: bad body');
  }
  try {
    return readLoginStart(res.raw);
  } catch (e) {
    throw new LoginFailure('start_login: bad body', e.message);
  }
}

/** One complete login through the app: start_login server function, the provider's
 * authorization endpoint (auto-approve), the app's redirect endpoint, then restore_session
 * with the sealed token and the binding cookie (proves the session works). */
export async function appLogin(ctx) {
  const { agent, app, redirectUri } = ctx;
  const jar = new CookieJar();
  const json = { 'content-type': 'application/json', accept: 'application/json', origin: app };
  const start = await browse(agent, jar, 'POST', `${app}/api/porte/start_login`, {
    headers: json,
    body: JSON.stringify({ request: { provider: 'local', scope: [], fetch_user: true, fetch_groups: false, complete_page_html: null, return_to: null } }),
  });
  if (start.status !== 200) throw new LoginFailure(`start_login: HTTP ${start.status}`, start.body.slice(0, 120));
  const { authorization_url: authUrl, state } = readStart(start);
  if (!authUrl || !state) throw new LoginFailure('start_login: no authorization_url/state');
  if (!jar.has(`porte_flow_${state}`)) throw new LoginFailure('start_login: no flow cookie');

  const back = await authorize(agent, jar, authUrl, redirectUri);
  if (back.searchParams.get('error')) throw new LoginFailure(`authorize: ${back.searchParams.get('error')}`);

  const done = await browse(agent, jar, 'GET', back.href);
  if (done.status !== 200) throw new LoginFailure(`callback: HTTP ${done.status}`);
  // The result is in Porte's compact wire (postcard, percent-encoded), where strings stay
  // legible: the flow's state is in it, and a successful one ends with the Authorization's last
  // field, the sealed token (`p2.`, or `p1.` from servers before it, + URL-safe base64 and dots).
  const raw = /<script type="text\/plain" id="porte-completion-data">([^<]*)<\/script>/.exec(done.body)?.[1];
  if (raw === undefined) throw new LoginFailure('callback: no completion in page');
  if (!raw.includes(state)) throw new LoginFailure('callback: state mismatch');
  const sealed = /p[12]\.[A-Za-z0-9_.-]+$/.exec(raw)?.[0];
  if (!sealed) throw new LoginFailure('callback: no sealed token (the login failed)', raw.slice(-120));
  if (!jar.has('porte_bind')) throw new LoginFailure('callback: no binding cookie');
  if (jar.has(`porte_flow_${state}`)) throw new LoginFailure('callback: flow cookie not removed');

  await restoreSession(ctx, jar, sealed);
  return { jar, sealed };
}

/** `restore_session` with the login's sealed token and binding cookie: 200 and the right user
 * (the answer is the Authorization in Porte's compact wire, where the user's id is legible). */
export async function restoreSession(ctx, jar, sealed) {
  const { agent, app, expectSub } = ctx;
  const json = { 'content-type': 'application/json', accept: 'application/json', origin: app };
  const restored = await browse(agent, jar, 'POST', `${app}/api/porte/restore_session`, { headers: json, body: JSON.stringify({ sealed }) });
  if (restored.status !== 200) throw new LoginFailure(`restore_session: HTTP ${restored.status}`, restored.body.slice(0, 120));
  if (!restored.body.includes(expectSub)) throw new LoginFailure('restore_session: wrong user');
}

/** The same login through the floor server (end2end/bench/floor-server): POST /start (the
 * authorization URL; its flow cookie) → the provider's authorization endpoint (auto-approve) →
 * GET /cb, which exchanges the code, checks the ID token and fetches userinfo. */
export async function floorLogin(ctx) {
  const { agent, floor, expectSub } = ctx;
  const jar = new CookieJar();
  const start = await browse(agent, jar, 'POST', `${floor}/start`);
  if (start.status !== 200) throw new LoginFailure(`floor start: HTTP ${start.status}`, start.body.slice(0, 120));
  const back = await authorize(agent, jar, start.body, `${floor}/cb`);
  const done = await browse(agent, jar, 'GET', back.href);
  if (done.status !== 200) throw new LoginFailure(`floor callback: HTTP ${done.status}`, done.body.slice(0, 160));
  if (done.body !== `signed in as ${expectSub}`) throw new LoginFailure('floor callback: wrong user');
}

const b64url = (buf) => buf.toString('base64url');

/** The same auto-approve flow by a trivial client talking to the provider directly:
 * authorize (PKCE S256) → its own redirect_uri (read from Location, never fetched) → token
 * request → userinfo. */
export async function providerLogin(ctx) {
  const { agent, discovery, client, baselineRedirect, scopes, expectSub } = ctx;
  const jar = new CookieJar();
  const verifier = b64url(randomBytes(32));
  const state = b64url(randomBytes(16));
  const auth = new URL(discovery.authorization_endpoint);
  for (const [k, v] of Object.entries({
    response_type: 'code', client_id: client.client_id, redirect_uri: baselineRedirect, scope: scopes,
    state, nonce: b64url(randomBytes(16)), code_challenge: b64url(createHash('sha256').update(verifier).digest()),
    code_challenge_method: 'S256',
  })) auth.searchParams.set(k, v);
  const back = await authorize(agent, jar, auth.href, baselineRedirect);
  const code = back.searchParams.get('code');
  if (back.searchParams.get('error') || !code) throw new LoginFailure(`authorize: ${back.searchParams.get('error') ?? 'no code'}`);
  if (back.searchParams.get('state') !== state) throw new LoginFailure('authorize: state mismatch');

  const basic = Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64');
  const token = await request(agent, 'POST', discovery.token_endpoint, {
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', authorization: `Basic ${basic}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: baselineRedirect, code_verifier: verifier }).toString(),
  });
  if (token.status !== 200) throw new LoginFailure(`token: HTTP ${token.status}`, token.body.slice(0, 120));
  const { access_token: accessToken, id_token: idToken } = parseJson(token.body, 'token: bad body');
  if (!accessToken || !idToken) throw new LoginFailure('token: no access_token/id_token');

  const info = await request(agent, 'GET', discovery.userinfo_endpoint, {
    headers: { accept: 'application/json', authorization: `Bearer ${accessToken}` },
  });
  if (info.status !== 200) throw new LoginFailure(`userinfo: HTTP ${info.status}`);
  if (parseJson(info.body, 'userinfo: bad body').sub !== expectSub) throw new LoginFailure('userinfo: wrong sub');
}

/** VmRSS of a process, in KiB. */
export function rssKiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** utime + stime of a process, in clock ticks. */
export function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

export function loadavg() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

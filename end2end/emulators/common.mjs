// Shared plumbing for the provider emulators (github.mjs, google.mjs, azure.mjs,
// auth0.mjs, linkedin.mjs): signing keys, request parsing, client authentication,
// PKCE, the in-memory code/token store, the sign-in page, the /_emulator/ test
// hooks and the generic authorize flow. Provider quirks live in the provider files;
// this file only holds behaviour that is identical everywhere.
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, jwtVerify } from 'jose';

import { USERS, avatarSvg, findUser } from './users.mjs';

export const DEFAULT_REDIRECT_URIS = ['http://127.0.0.1:3000/api/oauth/redirect'];
const CODE_TTL_MS = 10 * 60 * 1000; // authorization codes: single use, 10 minutes

// ---------------------------------------------------------------------------
// Environment

export function envInt(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function envFlag(name) {
  const raw = process.env[name];
  return raw === '1' || raw === 'true';
}

export function envRedirectUris() {
  const raw = process.env.EMULATOR_REDIRECT_URIS;
  if (!raw) return DEFAULT_REDIRECT_URIS;
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

// True when `target` is on the origin of one of the registered redirect URIs
// (used for logout return URLs, which real providers keep in a separate list).
export function sameOriginAsRedirects(target, redirectUris) {
  if (typeof target !== 'string') return false;
  return redirectUris.some((uri) => target.startsWith(`${new URL(uri).origin}/`));
}

// ---------------------------------------------------------------------------
// Keys and tokens

// One RS256 key per emulator, created at start-up (never persisted).
export async function createSigner() {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    kid,
    jwks: { keys: [{ ...jwk, kid, alg: 'RS256', use: 'sig' }] },
    // Claims are signed as given (callers put iat/exp in); `kid` in the header
    // so clients can select the key from the JWKS.
    signIdToken: (claims) => new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey),
    verify: (jwt, options) => jwtVerify(jwt, publicKey, options),
  };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

// OIDC Core 3.1.3.6: left half of SHA-256 of the access token, base64url.
export function atHash(accessToken) {
  return createHash('sha256').update(accessToken).digest().subarray(0, 16).toString('base64url');
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function randomToken(prefix, length) {
  const bytes = randomBytes(length);
  let out = prefix;
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

export function safeEqual(a, b) {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

// RFC 7636: S256 = base64url(sha256(verifier)); the verifier itself must be
// 43-128 unreserved characters.
export function pkceMatches(verifier, challenge, method) {
  if (typeof verifier !== 'string' || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  if (method === 'plain') return verifier === challenge;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

// In-memory state of one emulator. Token records are kept after revocation so
// that reuse of a rotated refresh token can be detected.
export class Store {
  constructor() { this.clear(); }

  clear() {
    this.codes = new Map();
    this.tokens = new Map();
    this.consents = new Set(); // Google: user|client pairs that already received a refresh token
  }

  issueCode(data, prefix = '') {
    const code = randomToken(prefix, 32);
    this.codes.set(code, { ...data, expiresAt: Date.now() + CODE_TTL_MS });
    return code;
  }

  // Single use: the code is gone after the first attempt, successful or not.
  takeCode(code) {
    if (typeof code !== 'string') return undefined;
    const data = this.codes.get(code);
    this.codes.delete(code);
    if (!data || data.expiresAt <= Date.now()) return undefined;
    return data;
  }

  // rec: { kind: 'access'|'refresh', user, scopes: [], clientId, grant, ttl (seconds) | null, ... }
  add(token, rec) {
    const { ttl, ...rest } = rec;
    const full = { ...rest, token, revoked: false, issuedAt: Date.now(), expiresAt: ttl ? Date.now() + ttl * 1000 : null };
    this.tokens.set(token, full);
    return full;
  }

  // Returns { rec } for a live token of that kind, or { problem: 'unknown'|'revoked'|'expired', rec }.
  check(token, kind) {
    const rec = typeof token === 'string' ? this.tokens.get(token) : undefined;
    if (!rec || rec.kind !== kind) return { problem: 'unknown' };
    if (rec.revoked) return { problem: 'revoked', rec };
    if (rec.expiresAt !== null && rec.expiresAt <= Date.now()) return { problem: 'expired', rec };
    return { rec };
  }

  find(token, kind) {
    const { rec, problem } = this.check(token, kind);
    return problem ? undefined : rec;
  }

  revokeWhere(predicate) {
    let n = 0;
    for (const rec of this.tokens.values()) if (!rec.revoked && predicate(rec)) { rec.revoked = true; n += 1; }
    return n;
  }

  revokeGrant(grant) { return this.revokeWhere((r) => r.grant === grant); }

  // Test hook: make every expiring access token expire now (to exercise refresh).
  expireAccessTokens() {
    let n = 0;
    for (const rec of this.tokens.values()) if (rec.kind === 'access' && rec.expiresAt !== null) { rec.expiresAt = Date.now() - 1; n += 1; }
    return n;
  }
}

// ---------------------------------------------------------------------------
// HTTP helpers

export async function readBody(req, limit = 1 << 20) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  const raw = Buffer.concat(chunks).toString('utf8');
  const type = (req.headers['content-type'] || '').split(';')[0].trim().toLowerCase();
  if (type === 'application/json' || type.endsWith('+json')) {
    let value;
    try { value = JSON.parse(raw || '{}'); } catch { return { type: 'json', params: {}, invalid: true }; }
    const params = {};
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [k, v] of Object.entries(value)) if (v !== null && typeof v !== 'object') params[k] = String(v);
    }
    return { type: 'json', params };
  }
  return { type: 'form', params: Object.fromEntries(new URLSearchParams(raw)) };
}

// RFC 6749 2.3.1: id and secret are form-urlencoded before being base64-encoded.
export function parseBasic(header) {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header || '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  const unform = (s) => { try { return decodeURIComponent(s.replace(/\+/g, ' ')); } catch { return s; } };
  return { id: unform(decoded.slice(0, i)), secret: unform(decoded.slice(i + 1)) };
}

export function parseBearer(header, schemes = ['bearer']) {
  const m = /^(\S+)\s+(\S+)\s*$/.exec(header || '');
  if (!m || !schemes.includes(m[1].toLowerCase())) return undefined;
  return m[2];
}

// How the client authenticated at a token endpoint, and whether it was right.
// `allowed` lists the methods the provider accepts ('basic', 'post').
export function clientAuth(req, body, client, allowed = ['basic', 'post']) {
  const basic = parseBasic(req.headers.authorization);
  const post = body.client_secret !== undefined;
  const method = basic && post ? 'basic+post' : basic ? 'basic' : post ? 'post' : 'none';
  let ok = method !== 'none';
  if (basic) ok &&= allowed.includes('basic') && basic.id === client.id && safeEqual(basic.secret, client.secret);
  if (post) ok &&= allowed.includes('post') && body.client_id === client.id && safeEqual(body.client_secret, client.secret);
  if (body.client_id !== undefined && body.client_id !== client.id) ok = false;
  return { method, ok, clientId: basic ? basic.id : body.client_id };
}

export function send(res, status, body, contentType, headers = {}) {
  res.writeHead(status, { 'Content-Type': contentType, ...headers });
  res.end(body);
}
export const sendJson = (res, status, value, headers) => send(res, status, JSON.stringify(value), 'application/json; charset=utf-8', headers);
export const sendText = (res, status, text, headers) => send(res, status, text, 'text/plain; charset=utf-8', headers);
export const sendHtml = (res, status, html, headers) => send(res, status, html, 'text/html; charset=utf-8', headers);
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

export function redirect(res, location, headers = {}) {
  res.writeHead(302, { Location: location, 'Cache-Control': 'no-store', ...headers });
  res.end();
}

// Appends query parameters, keeping any query the URI already had.
export function withParams(uri, params) {
  const url = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) url.searchParams.append(k, v);
  return url.href;
}

// ---------------------------------------------------------------------------
// HTML

export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}'
  + 'button{display:block;width:100%;margin:.5rem 0;padding:.6rem;font-size:1rem;cursor:pointer}'
  + '.who{color:#666;font-size:.85rem;margin:-.3rem 0 .8rem}code{background:#eee;padding:0 .2rem}';

function layout(title, body) {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>\n`;
}

// A plain form (no JavaScript) posting back to the authorize URL. The original
// query travels in hidden inputs; the clicked button adds user=<name> or cancel=1.
// Whether a test user has an account at the emulator `id` (users of other Entra tenants
// exist at Microsoft only).
export function hasAccount(user, id) {
  return !user.only || user.only.includes(id);
}

// Lists the users who have an account at this provider.
export function signInPage({ provider, account, action, params, scope }) {
  const title = `${provider} emulator — Sign in`;
  const hidden = Object.entries(params)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`).join('');
  const users = Object.values(USERS).filter((u) => hasAccount(u, account)).map((u) => `<button type="submit" name="user" value="${escapeHtml(u.username)}">Continue as ${escapeHtml(u.username)}</button>`
    + `<p class="who">${escapeHtml(u.name)} · ${escapeHtml(u.email)}${u.emailVerified ? '' : ' (unverified)'}</p>`).join('');
  return layout(title, `<h1>${escapeHtml(title)}</h1>`
    + `<p>Offline stand-in for ${escapeHtml(provider)}. Client <code>${escapeHtml(params.client_id)}</code> asks for: <code>${escapeHtml(scope || '(no scope)')}</code></p>`
    + `<form method="post" action="${escapeHtml(action)}">${hidden}${users}`
    + '<button type="submit" name="cancel" value="1">Cancel</button></form>');
}

export function messagePage(provider, heading, message) {
  return layout(`${provider} emulator — ${heading}`, `<h1>${escapeHtml(heading)}</h1><p>${escapeHtml(message)}</p>`);
}

// ---------------------------------------------------------------------------
// Server skeleton and test hooks

// Creates the server and starts listening on 127.0.0.1. `handle(req, res, url)`
// returns false when no route matched. `ctx` gets `base()` (the origin, derived
// from the bound port so port 0 works) and the hook state; an optional
// `ctx.hooks(req, res, url)` answers the emulator's own test hooks first (true = handled).
export function serve({ name, port, handle, ctx }) {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    try {
      if (ctx.hooks && (await ctx.hooks(req, res, url))) return; // an emulator's own /_emulator/ hooks
      if (await hooks(req, res, url, ctx)) return;
      const avatar = /^\/avatars\/([a-z0-9-]+)\.svg$/.exec(url.pathname); // users and GitHub orgs
      if (req.method === 'GET' && avatar) {
        return send(res, 200, avatarSvg(avatar[1]), 'image/svg+xml', { 'Cache-Control': 'public, max-age=3600' });
      }
      if (!(await handle(req, res, url))) sendText(res, 404, 'Not Found');
    } catch (err) {
      console.error(`${name} emulator: ${req.method} ${url.pathname}: ${err.stack || err}`);
      if (!res.headersSent) sendJson(res, err.status || 500, { error: 'server_error', error_description: err.message });
      else res.destroy();
    }
  });
  ctx.base = () => `http://127.0.0.1:${server.address().port}`;
  server.listen(port, '127.0.0.1');
  return server;
}

export function newContext({ id, redirectUris }) {
  return {
    id,
    client: { id: `porte-${id}`, secret: `porte-${id}-secret-0123456789abcdef` },
    redirectUris,
    store: new Store(),
    last: { authorize: null, token: null, logout: null },
  };
}

// Record what reached the token endpoint, never the secrets themselves.
export function recordToken(ctx, req, body, method) {
  ctx.last.token = {
    grant_type: body.grant_type ?? null,
    client_auth: method,
    has_code_verifier: typeof body.code_verifier === 'string' && body.code_verifier !== '',
    accept: req.headers.accept ?? null,
  };
}

async function hooks(req, res, url, ctx) {
  if (!url.pathname.startsWith('/_emulator/')) return false;
  const route = `${req.method} ${url.pathname}`;
  if (route === 'GET /_emulator/health') sendText(res, 200, 'ok');
  else if (route === 'GET /_emulator/last-authorize') sendJson(res, 200, ctx.last.authorize);
  else if (route === 'GET /_emulator/last-token-request') sendJson(res, 200, ctx.last.token);
  else if (route === 'GET /_emulator/last-logout') sendJson(res, 200, ctx.last.logout);
  // Every refresh token issued so far, so the secrets test can search logs and URLs for them.
  else if (route === 'GET /_emulator/issued-refresh-tokens') {
    sendJson(res, 200, [...ctx.store.tokens.values()].filter((r) => r.kind === 'refresh').map((r) => r.token));
  }
  else if (route === 'POST /_emulator/reset') {
    ctx.store.clear();
    ctx.last = { authorize: null, token: null, logout: null };
    sendText(res, 200, 'ok');
  } else if (route === 'POST /_emulator/expire-access-tokens') sendJson(res, 200, { expired: ctx.store.expireAccessTokens() });
  else sendText(res, 404, 'Not Found');
  return true;
}

// ---------------------------------------------------------------------------
// Generic authorize endpoint (GET shows the sign-in page, POST from the page signs in)
//
// spec: {
//   provider: 'GitHub',                     page titles
//   defaultRedirect: bool                   redirect_uri may be omitted (GitHub)
//   responseType: bool                      response_type=code required
//   pkce: ['S256'] | ['S256','plain'] | null (null = ignore code_challenge, LinkedIn)
//   cancel: { error, error_description, ... }   params sent when the user cancels
//   codePrefix: string
//   pages: { unknownClient(id), badRedirect(uri) }  texts of the HTML 400 pages
//   validate(request) -> undefined | { error, error_description, page?: true }
//   onSignIn(request, user) -> undefined | { error, error_description }  (refuse a user)
//   codeExtras(request, user) -> object stored with the code
//   htmlHeaders: extra headers on HTML responses (COOP)
// }
export async function authorize(req, res, url, ctx, spec) {
  const params = Object.fromEntries(url.searchParams);
  if (req.method === 'POST') Object.assign(params, (await readBody(req)).params);
  const { user: chosen, cancel, ...request } = params;
  ctx.last.authorize = { ...request };
  const headers = spec.htmlHeaders || {};
  const page = (heading, message) => sendHtml(res, 400, messagePage(spec.provider, heading, message), headers);

  if (request.client_id !== ctx.client.id) return page('Unknown client', spec.pages.unknownClient(request.client_id ?? ''));
  let redirectUri = request.redirect_uri;
  if (redirectUri === undefined && spec.defaultRedirect) redirectUri = ctx.redirectUris[0];
  if (!ctx.redirectUris.includes(redirectUri)) return page('Redirect URI mismatch', spec.pages.badRedirect(redirectUri ?? ''));

  // From here on errors go back to the client (RFC 6749 4.1.2.1), state echoed if sent.
  const back = (extra) => redirect(res, withParams(redirectUri, { ...extra, state: request.state || undefined }), headers);
  let problem;
  if (spec.responseType && request.response_type !== 'code') {
    problem = request.response_type === undefined
      ? { error: 'invalid_request', error_description: 'Missing required parameter: response_type' }
      : { error: 'unsupported_response_type', error_description: `Unsupported response_type: ${request.response_type}` };
  }
  let challenge;
  let method;
  if (!problem && spec.pkce && request.code_challenge !== undefined) {
    challenge = request.code_challenge;
    method = request.code_challenge_method || 'plain'; // RFC 7636 default
    if (!spec.pkce.includes(method)) problem = { error: 'invalid_request', error_description: `code_challenge_method ${method} is not supported; use ${spec.pkce.join(' or ')}` };
    else if (!/^[A-Za-z0-9._~-]{43,128}$/.test(challenge)) problem = { error: 'invalid_request', error_description: 'Invalid code_challenge' };
  }
  problem ??= spec.validate?.(request);
  if (problem) return problem.page ? page(problem.error, problem.error_description) : back({ error: problem.error, error_description: problem.error_description });

  if (req.method === 'POST' && cancel !== undefined) return back(spec.cancel);
  if (req.method === 'POST' && chosen !== undefined) {
    const user = findUser(chosen);
    if (!user || !hasAccount(user, ctx.id)) return page('Unknown user', `No test user called "${chosen}".`);
    const refusal = spec.onSignIn?.(request, user);
    if (refusal) return back(refusal);
    const code = ctx.store.issueCode({
      clientId: ctx.client.id,
      redirectUri,
      redirectUriSent: request.redirect_uri !== undefined,
      username: user.username,
      scope: request.scope ?? '',
      nonce: request.nonce,
      challenge,
      method,
      ...spec.codeExtras?.(request, user),
    }, spec.codePrefix || '');
    return back({ code });
  }
  return sendHtml(res, 200, signInPage({ provider: spec.provider, account: ctx.id, action: url.pathname, params: request, scope: request.scope }), headers);
}

// Checks a presented authorization code against the token request.
// Returns { data } or { error: 'invalid_code' | 'redirect_mismatch' | 'pkce_missing' | 'pkce_mismatch' }.
export function redeemCode(ctx, body, { redirectOptional = false } = {}) {
  const data = ctx.store.takeCode(body.code);
  if (!data || data.clientId !== ctx.client.id) return { error: 'invalid_code' };
  if (body.redirect_uri === undefined ? data.redirectUriSent && !redirectOptional : body.redirect_uri !== data.redirectUri) {
    return { error: 'redirect_mismatch' };
  }
  if (data.challenge !== undefined) {
    if (!body.code_verifier) return { error: 'pkce_missing' };
    if (!pkceMatches(body.code_verifier, data.challenge, data.method)) return { error: 'pkce_mismatch' };
  }
  return { data, grant: randomUUID() };
}

export function splitScopes(scope, separators = /\s+/) {
  const out = [];
  for (const s of String(scope ?? '').split(separators)) if (s && !out.includes(s)) out.push(s);
  return out;
}

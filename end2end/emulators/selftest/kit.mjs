// Test kit for the emulator self-test: a raw HTTP client (node:http, so that no
// User-Agent is added behind our back), a "browser" that walks the sign-in form,
// PKCE helpers, ID token verification against the served JWKS, and check().
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';

import { createLocalJWKSet, jwtVerify } from 'jose';

export const REDIRECT = 'http://127.0.0.1:3000/api/oauth/redirect';
export const secretOf = (name) => `porte-${name}-secret-0123456789abcdef`;

const counts = { passed: 0, failed: 0 };
export function check(name, ok, detail) {
  if (ok) {
    counts.passed += 1;
    console.log(`ok - ${name}`);
  } else {
    counts.failed += 1;
    console.log(`not ok - ${name}${detail === undefined ? '' : `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
  }
  return ok;
}
export const summary = () => ({ ...counts });

// request(url, { method, headers, form, json, body }) -> { status, headers, text, json(), location }
export function request(url, { method = 'GET', headers = {}, form, json, body } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    let payload = body;
    if (form) {
      payload = new URLSearchParams(form).toString();
      h['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (json) {
      payload = JSON.stringify(json);
      h['content-type'] ??= 'application/json';
    }
    if (payload !== undefined) h['content-length'] = Buffer.byteLength(payload);
    const req = http.request(url, { method, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode,
          headers: res.headers,
          text,
          json: () => JSON.parse(text),
          location: res.headers.location ? new URL(res.headers.location, url) : undefined,
        });
      });
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

export const basic = (id, secret) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
export const bearer = (token) => ({ authorization: `Bearer ${token}` });

export function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function buildUrl(base, path, params) {
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.href;
}

const unescapeHtml = (s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]);

// Like a user in a browser: load the sign-in page, press "Continue as <user>" (or
// Cancel), and return where the emulator redirects to.
export async function signIn(authorizeUrl, choice = 'alice') {
  const page = await request(authorizeUrl);
  if (page.status !== 200) return { page };
  const action = /<form method="post" action="([^"]*)">/.exec(page.text)?.[1];
  const fields = {};
  for (const m of page.text.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  const button = choice === 'cancel'
    ? '<button type="submit" name="cancel" value="1">Cancel</button>'
    : `<button type="submit" name="user" value="${choice}">Continue as ${choice}</button>`;
  if (!action || !page.text.includes(button)) throw new Error(`sign-in page lacks the form or the button for ${choice}`);
  Object.assign(fields, choice === 'cancel' ? { cancel: '1' } : { user: choice });
  const res = await request(new URL(unescapeHtml(action), authorizeUrl).href, { method: 'POST', form: fields });
  const location = res.status === 302 ? res.location : undefined;
  return { page, res, location, params: location ? Object.fromEntries(location.searchParams) : {} };
}

// Verifies an ID token with the JWKS the emulator serves.
export async function verifyJwt(jwt, jwksUri, options) {
  const jwks = (await request(jwksUri)).json();
  return jwtVerify(jwt, createLocalJWKSet(jwks), options);
}

export function listening(server) {
  return new Promise((resolve, reject) => {
    if (server.listening) return resolve(server);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
    return undefined;
  });
}

export const sameJson = (a, b) => JSON.stringify(a) === JSON.stringify(b);

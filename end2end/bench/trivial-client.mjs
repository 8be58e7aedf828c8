// The provider-alone baseline for the click-to-signed-in benchmark: the smallest popup OAuth
// client that does the same work as Porte around the provider (PKCE, state, code exchange with
// client authentication, userinfo) and nothing else — no framework, no wasm, no validation.
//
//   GET /        a page with one "Login" button that opens /login in a popup
//   GET /login   302 to the provider's authorization endpoint (state + PKCE kept in memory)
//   GET /cb      exchanges the code, fetches userinfo, posts the name to the opener, closes
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';

const b64url = (buf) => buf.toString('base64url');

/** Serves the trivial client on `port` for `issuer`'s `client`; resolves when listening. */
export async function serveTrivialClient(port, issuer, client) {
  const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  const pending = new Map();
  const redirectUri = `http://127.0.0.1:${port}/cb`;
  const basic = `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`;
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, redirectUri);
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><title>trivial</title><button id="login">Login</button><p id="who"></p>
<script>
addEventListener('message', (e) => { document.getElementById('who').textContent = 'Signed in as ' + e.data; });
document.getElementById('login').onclick = () => open('/login', 'trivial', 'width=500,height=600');
</script>`);
    } else if (url.pathname === '/login') {
      const state = b64url(randomBytes(16));
      const verifier = b64url(randomBytes(32));
      pending.set(state, verifier);
      const auth = new URL(discovery.authorization_endpoint);
      auth.search = new URLSearchParams({
        response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri,
        scope: 'openid profile email', state, nonce: b64url(randomBytes(16)),
        code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
      }).toString();
      res.writeHead(302, { location: auth.toString() });
      res.end();
    } else if (url.pathname === '/cb') {
      const verifier = pending.get(url.searchParams.get('state'));
      pending.delete(url.searchParams.get('state'));
      const token = await (await fetch(discovery.token_endpoint, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: url.searchParams.get('code') ?? '', redirect_uri: redirectUri, code_verifier: verifier ?? '' }),
      })).json();
      const user = await (await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${token.access_token}` } })).json();
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<!doctype html><script>opener.postMessage(${JSON.stringify(user.name ?? user.sub)}, '*'); close();</script>`);
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ready) => server.listen(port, '127.0.0.1', ready));
  return server;
}

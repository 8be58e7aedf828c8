// Plain HTML views for the local OpenID provider. Everything interpolated
// goes through `esc`; nothing is loaded from outside the provider.

export function esc(value) {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f4f6;color:#111827;margin:0;padding:32px 16px}
main{max-width:380px;margin:0 auto;background:#fff;border:1px solid #d1d5db;border-radius:8px;padding:24px}
h1{font-size:1.4rem;margin:0 0 4px}
p.sub{color:#4b5563;margin:0 0 16px}
label{display:block;font-weight:600;margin:12px 0 4px}
input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:8px;font-size:1rem;border:1px solid #9ca3af;border-radius:4px}
button{font-size:1rem;padding:8px 16px;border-radius:4px;border:1px solid #1d4ed8;background:#2563eb;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#1f2937;border-color:#9ca3af}
.actions{display:flex;gap:8px;margin-top:16px}
.error{background:#fef2f2;border:1px solid #f87171;color:#991b1b;padding:8px 12px;border-radius:4px;margin:12px 0}
.hint{background:#eff6ff;border:1px solid #93c5fd;padding:8px 12px;border-radius:4px;margin-top:20px;font-size:.9rem}
.hint table{border-collapse:collapse}.hint td,.hint th{padding:2px 12px 2px 0;text-align:left}
code{font-family:ui-monospace,monospace;background:#f3f4f6;padding:1px 4px;border-radius:3px}
ul.scopes{padding-left:20px}
footer{max-width:380px;margin:12px auto 0;color:#6b7280;font-size:.8rem;text-align:center}`;

export function layout(title, body) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Local OpenID provider</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}
</main>
<footer>Local OpenID provider for Porte tests and development. Not for production.</footer>
</body>
</html>`;
}

export function loginPage({ uid, clientId, users, error, username }) {
  const rows = users.map((u) => `<tr><td><code>${esc(u.preferred_username)}</code></td>`
    + `<td><code>${esc(u.password)}</code></td><td>${esc(u.name)}</td></tr>`).join('\n');
  return layout('Sign in', `<h1>Sign in</h1>
<p class="sub">to continue to <strong>${esc(clientId)}</strong></p>
${error ? `<div class="error" role="alert">${esc(error)}</div>` : ''}
<form method="post" action="/interaction/${esc(uid)}" autocomplete="off">
<label for="username">Username</label>
<input type="text" id="username" name="username" value="${esc(username)}" autofocus required>
<label for="password">Password</label>
<input type="password" id="password" name="password" required>
<div class="actions"><button type="submit">Sign in</button></div>
</form>
<div class="hint" id="test-users">
<strong>Test users</strong> (this provider is for local testing only):
<table><tr><th>Username</th><th>Password</th><th>Name</th></tr>
${rows}
</table>
</div>`);
}

export function consentPage({ uid, clientId, scopes, user }) {
  const items = scopes.map((s) => `<li><code>${esc(s)}</code></li>`).join('\n');
  return layout('Authorize', `<h1>Authorize access</h1>
<p class="sub">Signed in as <strong>${esc(user?.name ?? 'unknown user')}</strong></p>
<p>The application <strong id="client-id">${esc(clientId)}</strong> asks for these scopes:</p>
<ul class="scopes" id="scopes">
${items}
</ul>
<form method="post" action="/interaction/${esc(uid)}">
<div class="actions">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>`);
}

export function errorPage(error, description) {
  return layout('Error', `<h1>Something went wrong</h1>
<div class="error" role="alert"><strong>${esc(error)}</strong>${description ? `: ${esc(description)}` : ''}</div>
<p>Start the sign-in again from the application.</p>`);
}

// `form` comes from oidc-provider (an empty form with a hidden xsrf input).
export function logoutPage(form, host, autoSubmit) {
  const script = autoSubmit ? `<script>
const f = document.getElementById('op.logoutForm');
const i = document.createElement('input');
i.type = 'hidden'; i.name = 'logout'; i.value = 'yes';
f.appendChild(i); f.submit();
</script>` : '';
  return layout('Sign out', `<h1>Sign out</h1>
<p>Do you want to sign out from <strong>${esc(host)}</strong>?</p>
${form}
<div class="actions">
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button>
<button type="submit" form="op.logoutForm" class="secondary">Stay signed in</button>
</div>
${script}`);
}

export function loggedOutPage(clientId) {
  return layout('Signed out', `<h1>Signed out</h1>
<p>You have been signed out${clientId ? ` of <strong>${esc(clientId)}</strong>` : ''}.</p>`);
}

export function avatarSvg(user) {
  const initial = (user.name || user.preferred_username || '?').trim().charAt(0).toUpperCase();
  let hash = 0;
  for (const ch of String(user.sub)) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64">`
    + `<rect width="64" height="64" rx="32" fill="hsl(${hash},55%,45%)"/>`
    + `<text x="32" y="42" font-family="sans-serif" font-size="30" fill="#fff" text-anchor="middle">${esc(initial)}</text>`
    + '</svg>';
}

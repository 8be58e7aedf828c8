// GitHub emulator (OAuth App; optionally GitHub App user-to-server tokens).
// Stands in for github.com + the REST API, which cannot be reached from tests.
// Wire formats follow shared/notes/research.md 4.1 and GitHub's docs.
//
// Options of start() (env var, default):
//   port                  [4021]
//   redirectUris          registered callback URLs, exact match [EMULATOR_REDIRECT_URIS]
//   expiringTokens        GITHUB_EMULATOR_EXPIRING_TOKENS=1 -> GitHub App user tokens [off]
//   maxPerPage            GITHUB_EMULATOR_MAX_PER_PAGE: page-size cap for /user/teams,
//                         /user/repos, /user/orgs so pagination is always exercised [2]
//   accessTokenTtl        EMULATOR_ACCESS_TOKEN_TTL: lifetime of ghu_ tokens [28800]
//   requireVerifiedEmail  GITHUB_EMULATOR_REQUIRE_VERIFIED_EMAIL=1 -> bob (unverified
//                         primary email) gets error unverified_user_email [off]
//
// Web flow:  GET|POST /login/oauth/authorize   (client_id, redirect_uri, scope, state,
//            code_challenge[_method=S256], login, allow_signup; redirect_uri may be
//            omitted -> first registered URI, as on GitHub). No iss, no id_token.
//            POST /login/oauth/access_token    (client_id+client_secret in the body or
//            Basic; code, redirect_uri optional but must match, code_verifier).
//   Response body is form-encoded unless Accept contains json (or xml). ERRORS ARE
//   HTTP 200 with an `error` field. Scope is COMMA-separated.
// API (GitHub Enterprise style prefix /api/v3): needs a User-Agent header (else 403)
//   and `Authorization: Bearer|token <t>`. /user, /user/emails, /user/teams,
//   /user/orgs, /user/repos; DELETE /applications/{client_id}/token|grant (Basic).
import {
  DEFAULT_REDIRECT_URIS, NO_STORE, authorize, clientAuth, envFlag, envInt, escapeHtml, newContext, parseBasic,
  parseBearer, randomToken, readBody, recordToken, redeemCode, safeEqual, send, sendJson, serve, splitScopes,
} from './common.mjs';
import { avatarUrl, findUser } from './users.mjs';

const DOCS = 'https://docs.github.com';
const TOKEN_DOCS = `${DOCS}/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/`;
const TOKEN_ERRORS = {
  incorrect_client_credentials: ['The client_id and/or client_secret passed are incorrect.', `${TOKEN_DOCS}#incorrect-client-credentials`],
  redirect_uri_mismatch: ['The redirect_uri MUST match the registered callback URL for this application.',
    `${DOCS}/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch2`],
  bad_verification_code: ['The code passed is incorrect or expired.', `${TOKEN_DOCS}#bad-verification-code`],
  unverified_user_email: ['The user must have a verified primary email.', `${TOKEN_DOCS}#unverified_user_email`],
  bad_refresh_token: ['The refresh token passed is incorrect or expired.',
    `${DOCS}/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens`],
  unsupported_grant_type: ['The grant type passed is not supported.', TOKEN_DOCS],
};
const UA_MESSAGE = 'Request forbidden by administrative rules. Please make sure your request has a User-Agent header '
  + '(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). '
  + 'Check https://developer.github.com for other possible causes.';
const BAD_CREDENTIALS = { message: 'Bad credentials', documentation_url: `${DOCS}/rest` };
const NOT_FOUND = { message: 'Not Found', documentation_url: `${DOCS}/rest` };
const GHR_TTL = 15811200; // refresh_token_expires_in of GitHub App user tokens (6 months)
const UPDATED_AT = '2024-04-01T12:00:00Z';

const nodeId = (text) => Buffer.from(text).toString('base64'); // legacy GitHub node ids

export function start({
  port = 4021,
  redirectUris = DEFAULT_REDIRECT_URIS,
  expiringTokens = envFlag('GITHUB_EMULATOR_EXPIRING_TOKENS'),
  maxPerPage = envInt('GITHUB_EMULATOR_MAX_PER_PAGE', 2),
  accessTokenTtl = envInt('EMULATOR_ACCESS_TOKEN_TTL', 28800),
  requireVerifiedEmail = envFlag('GITHUB_EMULATOR_REQUIRE_VERIFIED_EMAIL'),
} = {}) {
  const ctx = newContext({ id: 'github', redirectUris });
  const api = () => `${ctx.base()}/api/v3`;

  const authorizeSpec = {
    provider: 'GitHub',
    defaultRedirect: true,
    responseType: false,
    pkce: ['S256'],
    cancel: {
      error: 'access_denied',
      error_description: 'The user has denied your application access.',
      error_uri: `${DOCS}/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied`,
    },
    pages: {
      unknownClient: (id) => `No OAuth app with client_id "${id}" (this emulator only knows ${ctx.client.id}).`,
      badRedirect: (uri) => `The redirect_uri "${uri}" MUST match the registered callback URL for this application.`,
    },
  };

  // Token endpoint answers: 200 always, body format chosen by Accept.
  function reply(req, res, obj) {
    const accept = req.headers.accept || '';
    if (/json/i.test(accept)) return sendJson(res, 200, obj, NO_STORE);
    if (/xml/i.test(accept)) {
      const xml = Object.entries(obj).map(([k, v]) => `<${k}>${escapeHtml(v)}</${k}>`).join('');
      return send(res, 200, `<OAuth>${xml}</OAuth>`, 'application/xml; charset=utf-8', NO_STORE);
    }
    const form = new URLSearchParams(Object.entries(obj).map(([k, v]) => [k, String(v)])).toString();
    return send(res, 200, form, 'application/x-www-form-urlencoded; charset=utf-8', NO_STORE);
  }
  const tokenError = (code) => ({ error: code, error_description: TOKEN_ERRORS[code][0], error_uri: TOKEN_ERRORS[code][1] });

  function issue(username, scopes, grant) {
    const base = { username, clientId: ctx.client.id, grant };
    if (expiringTokens) {
      // GitHub App user token: permissions come from the app, not from scopes.
      const access = randomToken('ghu_', 36);
      const refresh = randomToken('ghr_', 76);
      ctx.store.add(access, { ...base, kind: 'access', scopes: [], app: true, ttl: accessTokenTtl });
      ctx.store.add(refresh, { ...base, kind: 'refresh', scopes: [], ttl: GHR_TTL });
      return { access_token: access, expires_in: accessTokenTtl, refresh_token: refresh, refresh_token_expires_in: GHR_TTL, scope: '', token_type: 'bearer' };
    }
    const access = randomToken('gho_', 36); // OAuth App tokens never expire
    ctx.store.add(access, { ...base, kind: 'access', scopes, ttl: null });
    return { access_token: access, scope: scopes.join(','), token_type: 'bearer' };
  }

  async function token(req, res) {
    const body = (await readBody(req)).params;
    const auth = clientAuth(req, body, ctx.client);
    recordToken(ctx, req, body, auth.method);
    const fail = (code) => reply(req, res, tokenError(code));
    if (!auth.ok) return fail('incorrect_client_credentials');
    const grantType = body.grant_type || 'authorization_code'; // GitHub does not require grant_type for codes

    if (grantType === 'refresh_token') {
      const rec = expiringTokens ? ctx.store.find(body.refresh_token, 'refresh') : undefined;
      if (!rec || rec.clientId !== ctx.client.id) return fail('bad_refresh_token');
      ctx.store.revokeGrant(rec.grant); // each refresh kills the old refresh AND access token
      return reply(req, res, issue(rec.username, rec.scopes, rec.grant));
    }
    if (grantType !== 'authorization_code') return fail('unsupported_grant_type');
    const result = redeemCode(ctx, body, { redirectOptional: true });
    if (result.error === 'redirect_mismatch') return fail('redirect_uri_mismatch');
    // GitHub documents no PKCE-specific error; a wrong/missing verifier fails like a bad code.
    if (result.error) return fail('bad_verification_code');
    const user = findUser(result.data.username);
    if (requireVerifiedEmail && !user.github.emails.some((e) => e.primary && e.verified)) return fail('unverified_user_email');
    return reply(req, res, issue(user.username, splitScopes(result.data.scope, /[\s,]+/), result.grant));
  }

  // ---- REST API objects -------------------------------------------------
  function orgObject(org) {
    const url = `${api()}/orgs/${org.login}`;
    return {
      login: org.login, id: org.id, node_id: nodeId(`012:Organization${org.id}`), url,
      repos_url: `${url}/repos`, events_url: `${url}/events`, hooks_url: `${url}/hooks`, issues_url: `${url}/issues`,
      members_url: `${url}/members{/member}`, public_members_url: `${url}/public_members{/member}`,
      avatar_url: avatarUrl(ctx.base(), org.login), description: org.description,
    };
  }

  function userObject(user) {
    const g = user.github;
    const url = `${api()}/users/${user.username}`;
    return {
      login: user.username, id: g.id, node_id: nodeId(`04:User${g.id}`), avatar_url: avatarUrl(ctx.base(), user.username),
      gravatar_id: '', url, html_url: `${ctx.base()}/${user.username}`, followers_url: `${url}/followers`,
      following_url: `${url}/following{/other_user}`, organizations_url: `${url}/orgs`, repos_url: `${url}/repos`,
      type: 'User', user_view_type: 'public', site_admin: false,
      name: g.name, company: g.company, blog: g.blog, location: g.location,
      email: null, // public email only; both test users keep theirs private
      hireable: null, bio: g.bio, twitter_username: null, notification_email: null,
      public_repos: g.repos.filter((r) => !r.private).length, public_gists: 0,
      followers: g.followers, following: g.following, created_at: g.createdAt, updated_at: UPDATED_AT,
    };
  }

  function teamObject(t) {
    const url = `${api()}/organizations/${t.org.id}/team/${t.id}`;
    return {
      name: t.name, id: t.id, node_id: nodeId(`04:Team${t.id}`), slug: t.slug, description: `${t.name} of ${t.org.login}`,
      privacy: t.privacy, notification_setting: 'notifications_enabled', url,
      html_url: `${ctx.base()}/orgs/${t.org.login}/teams/${t.slug}`, members_url: `${url}/members{/member}`,
      repositories_url: `${url}/repos`, permission: t.permission, parent: null,
      members_count: t.members, repos_count: t.repos, created_at: '2020-02-02T10:00:00Z', updated_at: UPDATED_AT,
      organization: { ...orgObject(t.org), name: t.org.login, html_url: `${ctx.base()}/${t.org.login}`, type: 'Organization', created_at: '2019-01-01T00:00:00Z', updated_at: UPDATED_AT },
    };
  }

  function repoObject(user, r) {
    const fullName = `${user.username}/${r.name}`;
    return {
      id: r.id, node_id: nodeId(`010:Repository${r.id}`), name: r.name, full_name: fullName, private: r.private,
      owner: { login: user.username, id: user.github.id, node_id: nodeId(`04:User${user.github.id}`), avatar_url: avatarUrl(ctx.base(), user.username), type: 'User', site_admin: false },
      html_url: `${ctx.base()}/${fullName}`, description: r.description, fork: false, url: `${api()}/repos/${fullName}`,
      created_at: '2021-03-04T05:06:07Z', updated_at: UPDATED_AT, pushed_at: UPDATED_AT, homepage: null, size: 128,
      stargazers_count: r.stars, watchers_count: r.stars, language: r.language, forks_count: 0, archived: false,
      disabled: false, visibility: r.private ? 'private' : 'public', default_branch: 'main',
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    };
  }

  // GitHub pagination: per_page (default 30, max 100; here also capped at `cap`), page,
  // Link header with prev/next/last/first exactly in GitHub's order and syntax.
  function paginate(res, url, items, cap, headers) {
    const perRaw = Number.parseInt(url.searchParams.get('per_page') ?? '', 10);
    const perPage = Math.min(perRaw > 0 ? Math.min(perRaw, 100) : 30, cap);
    const pageRaw = Number.parseInt(url.searchParams.get('page') ?? '', 10);
    const page = pageRaw > 0 ? pageRaw : 1;
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const link = (n, rel) => {
      const q = new URLSearchParams(url.searchParams);
      q.delete('per_page');
      q.delete('page');
      q.set('per_page', String(perPage));
      q.set('page', String(n));
      return `<${ctx.base()}${url.pathname}?${q}>; rel="${rel}"`;
    };
    const links = [];
    if (items.length > 0) {
      if (page > 1) links.push(link(page - 1, 'prev'));
      if (page < last) links.push(link(page + 1, 'next'), link(last, 'last'));
      if (page > 1) links.push(link(1, 'first'));
    }
    const extra = links.length ? { ...headers, Link: links.join(', ') } : headers;
    return sendJson(res, 200, items.slice((page - 1) * perPage, page * perPage), extra);
  }

  async function apiRequest(req, res, url) {
    const path = url.pathname.slice('/api/v3'.length);
    const json = (status, body, headers = {}) => sendJson(res, status, body, { 'X-GitHub-Media-Type': 'github.v3; format=json', ...headers });
    if (!req.headers['user-agent']) return json(403, { message: UA_MESSAGE });

    // Token revocation: Basic client_id:client_secret, JSON body {"access_token": ...}.
    const revoke = /^\/applications\/([^/]+)\/(token|grant)$/.exec(path);
    if (revoke && req.method === 'DELETE') {
      const basic = parseBasic(req.headers.authorization);
      if (!basic || basic.id !== ctx.client.id || !safeEqual(basic.secret, ctx.client.secret)) return json(401, BAD_CREDENTIALS);
      if (decodeURIComponent(revoke[1]) !== ctx.client.id) return json(404, NOT_FOUND);
      const body = (await readBody(req)).params;
      if (!body.access_token) return json(422, { message: 'Invalid request.\n\n"access_token" wasn\'t supplied.', documentation_url: `${DOCS}/rest/apps/oauth-applications` });
      const rec = ctx.store.find(body.access_token, 'access');
      if (!rec || rec.clientId !== ctx.client.id) return json(404, NOT_FOUND);
      if (revoke[2] === 'token') rec.revoked = true;
      else ctx.store.revokeWhere((r) => r.username === rec.username && r.clientId === ctx.client.id);
      res.writeHead(204);
      return res.end();
    }

    const token = parseBearer(req.headers.authorization, ['bearer', 'token']);
    if (!token) return json(401, { message: 'Requires authentication', documentation_url: `${DOCS}/rest` });
    const rec = ctx.store.find(token, 'access');
    if (!rec) return json(401, BAD_CREDENTIALS);
    const headers = { 'X-OAuth-Scopes': rec.scopes.join(', ') };
    const has = (...scopes) => rec.app || scopes.some((s) => rec.scopes.includes(s));
    const user = findUser(rec.username);
    if (req.method !== 'GET') return json(404, NOT_FOUND, headers);

    switch (path) {
      case '/user':
        return json(200, userObject(user), headers);
      case '/user/emails':
        if (!has('user', 'user:email')) return json(404, { message: 'Not Found', documentation_url: `${DOCS}/rest/users/emails#list-email-addresses-for-the-authenticated-user` }, headers);
        return paginate(res, url, user.github.emails, 100, headers);
      case '/user/teams':
        if (!has('read:org', 'write:org', 'admin:org', 'user', 'repo')) {
          return json(403, { message: 'You need at least read:org scope or user scope to list your teams.', documentation_url: `${DOCS}/rest/teams/teams#list-teams-for-the-authenticated-user` }, headers);
        }
        return paginate(res, url, user.github.teams.map(teamObject), maxPerPage, headers);
      case '/user/orgs':
        if (!has('read:org', 'write:org', 'admin:org', 'user', 'repo')) {
          return json(403, { message: 'You need at least read:org scope or user scope to list your organizations.', documentation_url: `${DOCS}/rest/orgs/orgs#list-organizations-for-the-authenticated-user` }, headers);
        }
        return paginate(res, url, user.github.orgs.map(orgObject), maxPerPage, headers);
      case '/user/repos': {
        // Emulator rule (stricter than GitHub, which would list public repos for any token).
        if (!has('repo', 'public_repo')) {
          return json(403, { message: 'Resource not accessible: this emulator requires the repo or public_repo scope to list repositories.', documentation_url: `${DOCS}/rest/repos/repos#list-repositories-for-the-authenticated-user` }, headers);
        }
        const repos = user.github.repos.filter((r) => has('repo') || !r.private);
        return paginate(res, url, repos.map((r) => repoObject(user, r)), maxPerPage, headers);
      }
      default:
        return json(404, NOT_FOUND, headers);
    }
  }

  async function handle(req, res, url) {
    const { pathname: path } = url;
    if (path === '/login/oauth/authorize' && (req.method === 'GET' || req.method === 'POST')) {
      await authorize(req, res, url, ctx, authorizeSpec);
    } else if (path === '/login/oauth/access_token' && req.method === 'POST') {
      await token(req, res);
    } else if (path.startsWith('/api/v3/')) {
      await apiRequest(req, res, url);
    } else {
      return false;
    }
    return true;
  }

  return serve({ name: 'GitHub', port, handle, ctx });
}

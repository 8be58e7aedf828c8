// Microsoft Entra ID (Azure AD v2.0) emulator, plus the few Microsoft Graph calls a
// "Login with Microsoft" needs (under /graph). Stands in for login.microsoftonline.com
// and graph.microsoft.com. Wire formats follow shared/notes/research.md 4.3.
//
// Options of start() (env var, default):
//   port            [4023]
//   redirectUris    registered redirect URIs, exact match [EMULATOR_REDIRECT_URIS]
//   coop            AZURE_EMULATOR_COOP=1 -> Cross-Origin-Opener-Policy: same-origin on
//                   HTML pages and redirects, as Microsoft does [off]
//   pageSize        AZURE_EMULATOR_PAGE_SIZE: items per /me/memberOf page [2]
//   accessTokenTtl  EMULATOR_ACCESS_TOKEN_TTL: access token lifetime, also expires_in [3600]
//
// Endpoints per {tenant} = common | organizations | consumers | <tenant guid> |
// wonderland.onmicrosoft.com:
//   /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/oauth2/v2.0/authorize,
//   /{tenant}/oauth2/v2.0/token, /{tenant}/oauth2/v2.0/logout, /{tenant}/discovery/v2.0/keys
// Quirks reproduced:
//   - common/organizations discovery issuer is the literal template
//     http://127.0.0.1:<port>/{tenantid}/v2.0; tokens carry the real tenant.
//   - No code_challenge_methods_supported and no revocation_endpoint in discovery,
//     yet PKCE (S256) is enforced when sent.
//   - ID token sub is PAIRWISE (per client), oid is the user object id == Graph /me id.
//   - offline_access -> refresh token; refresh tokens rotate and a used one fails.
//   - Errors: HTTP 400 JSON with AADSTS codes (error_codes, trace_id, correlation_id...).
//   - /me/memberOf pages via @odata.nextLink ($skiptoken); without GroupMember.Read.All
//     or Directory.Read.All the items have only @odata.type and id, other fields null.
//   - Users live in their tenant (alice and bob in AZURE_TENANT_ID, mallory in a stranger's
//     tenant of her own, STRANGER_TENANT_ID); tokens carry the user's tid. Signing in via
//     /consumers, or via one tenant's endpoint with another tenant's account, is refused
//     (AADSTS50020); /common and /organizations take every tenant's accounts.
import { createHash, randomUUID } from 'node:crypto';

import {
  DEFAULT_REDIRECT_URIS, NO_STORE, authorize, clientAuth, createSigner, envFlag, envInt, messagePage, newContext,
  nowSeconds, parseBearer, randomToken, readBody, recordToken, redeemCode, redirect, sameOriginAsRedirects,
  sendHtml, sendJson, serve, splitScopes, withParams,
} from './common.mjs';
import { AZURE_TENANT_ID, STRANGER_TENANT_ID, avatarUrl, findUser } from './users.mjs';

const CONSUMERS_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
const GROUP_SCOPES = ['groupmember.read.all', 'group.read.all', 'directory.read.all'];
const ROUTE = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/(?:authorize|token|logout)|discovery\/v2\.0\/keys)$/;

// Graph scopes are shown without the https://graph.microsoft.com/ prefix; .default
// stands for the app's configured permission (User.Read); User.Read is always granted.
function grantedScopes(scope) {
  const graph = ['User.Read'];
  const oidc = [];
  for (let s of splitScopes(scope)) {
    s = s.replace(/^https:\/\/graph\.microsoft\.com\//i, '');
    if (s === '.default') s = 'User.Read';
    if (OIDC_SCOPES.includes(s.toLowerCase())) oidc.push(s.toLowerCase());
    else if (!graph.some((g) => g.toLowerCase() === s.toLowerCase())) graph.push(s);
  }
  return { all: [...OIDC_SCOPES.filter((s) => oidc.includes(s)), ...graph], reported: [...['openid', 'profile', 'email'].filter((s) => oidc.includes(s)), ...graph] };
}

const hasScope = (scopes, wanted) => scopes.some((s) => wanted.includes(s.toLowerCase()));
const tenantOfUser = (user) => user.azure.tenant ?? AZURE_TENANT_ID;
const pairwiseSub = (clientId, oid) => createHash('sha256').update(clientId + oid).digest('base64url').slice(0, 43);
const aadTimestamp = () => new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function start({
  port = 4023,
  redirectUris = DEFAULT_REDIRECT_URIS,
  coop = envFlag('AZURE_EMULATOR_COOP'),
  pageSize = envInt('AZURE_EMULATOR_PAGE_SIZE', 2),
  accessTokenTtl = envInt('EMULATOR_ACCESS_TOKEN_TTL', 3600),
} = {}) {
  const ctx = newContext({ id: 'azure', redirectUris });
  const signer = createSigner();
  const htmlHeaders = coop ? { 'Cross-Origin-Opener-Policy': 'same-origin' } : {};
  const issuerOf = (tid) => `${ctx.base()}/${tid}/v2.0`;

  function tenantOf(segment) {
    const s = decodeURIComponent(segment).toLowerCase();
    if (s === 'common' || s === 'organizations') return { kind: s, segment: s, issuer: issuerOf('{tenantid}') };
    if (s === 'consumers' || s === CONSUMERS_TENANT_ID) return { kind: 'consumers', segment: s, issuer: issuerOf(CONSUMERS_TENANT_ID) };
    if (s === AZURE_TENANT_ID || s === 'wonderland.onmicrosoft.com') return { kind: 'tenant', segment: AZURE_TENANT_ID, issuer: issuerOf(AZURE_TENANT_ID) };
    if (s === STRANGER_TENANT_ID) return { kind: 'tenant', segment: STRANGER_TENANT_ID, issuer: issuerOf(STRANGER_TENANT_ID) };
    return undefined;
  }

  function aadError(error, code, text) {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = aadTimestamp();
    return {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code], timestamp, trace_id: traceId, correlation_id: correlationId,
      error_uri: `${ctx.base()}/error?code=${code}`,
    };
  }

  function discovery(tenant) {
    const t = `${ctx.base()}/${tenant.segment}`;
    return {
      token_endpoint: `${t}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${t}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: tenant.issuer,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${ctx.base()}/graph/oidc/userinfo`,
      authorization_endpoint: `${t}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${t}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${t}/oauth2/v2.0/logout`,
      claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
      tenant_region_scope: tenant.kind === 'tenant' ? 'EU' : null,
      cloud_instance_name: 'microsoftonline.com',
      cloud_graph_host_name: 'graph.windows.net',
      msgraph_host: 'graph.microsoft.com',
      rbac_url: 'https://pas.windows.net',
    };
  }

  const authorizeSpec = (tenant) => ({
    provider: 'Microsoft',
    responseType: true,
    pkce: ['S256'],
    htmlHeaders,
    cancel: { error: 'access_denied', error_description: 'AADSTS65004: User declined to consent to access the app.' },
    pages: {
      unknownClient: (id) => `AADSTS700016: Application with identifier '${id}' was not found in the directory 'Wonderland'.`,
      badRedirect: (uri) => `AADSTS50011: The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${ctx.client.id}'.`,
    },
    validate(request) {
      if (!request.scope) return { error: 'invalid_request', error_description: "AADSTS900144: The request body must contain the following parameter: 'scope'." };
      if (request.response_mode && request.response_mode !== 'query') {
        return { error: 'invalid_request', error_description: `AADSTS900000: this emulator only supports response_mode=query (got '${request.response_mode}').` };
      }
      return undefined;
    },
    onSignIn(request, user) {
      const home = tenantOfUser(user);
      if (tenant.kind === 'consumers' || (tenant.kind === 'tenant' && tenant.segment !== home)) {
        const where = tenant.kind === 'consumers' ? 'Microsoft Services' : tenant.segment;
        return {
          error: 'invalid_request',
          error_description: `AADSTS50020: User account '${user.azure.upn}' from identity provider 'https://sts.windows.net/${home}/' does not exist in tenant '${where}' and cannot access the application '${ctx.client.id}' in that tenant.`,
        };
      }
      return undefined;
    },
  });

  async function idToken(user, scopes, nonce) {
    const now = nowSeconds();
    const a = user.azure;
    const tid = tenantOfUser(user);
    const payload = { aud: ctx.client.id, iss: issuerOf(tid), iat: now, nbf: now, exp: now + 3600 };
    if (scopes.includes('email') && a.mail) payload.email = a.mail;
    if (scopes.includes('profile')) payload.name = user.name;
    if (nonce !== undefined) payload.nonce = nonce;
    payload.oid = a.oid;
    if (scopes.includes('profile')) payload.preferred_username = a.upn;
    Object.assign(payload, {
      rh: '0.AAAA-emulator.', sid: randomUUID(), sub: pairwiseSub(ctx.client.id, a.oid), tid,
      uti: randomToken('', 22), ver: '2.0',
    });
    return (await signer).signIdToken(payload);
  }

  async function token(req, res, tenant) {
    const body = (await readBody(req)).params;
    const auth = clientAuth(req, body, ctx.client);
    recordToken(ctx, req, body, auth.method);
    const fail = (status, error, code, text) => sendJson(res, status, aadError(error, code, text), NO_STORE);
    if (tenant.kind === 'consumers') return fail(400, 'invalid_request', 50020, 'The user account does not exist in tenant \'Microsoft Services\'.');
    if (auth.clientId !== ctx.client.id) return fail(400, 'unauthorized_client', 700016, `Application with identifier '${auth.clientId ?? ''}' was not found in the directory 'Wonderland'.`);
    if (!auth.ok) return fail(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app \'porte-azure\'.');

    let username;
    let scopes;
    let grant;
    let nonce;
    if (body.grant_type === 'authorization_code') {
      const result = redeemCode(ctx, body);
      if (result.error === 'redirect_mismatch') return fail(400, 'invalid_grant', 500112, 'The reply address does not match the reply address provided when requesting Authorization code.');
      if (result.error === 'pkce_missing' || result.error === 'pkce_mismatch') return fail(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
      if (result.error) return fail(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
      ({ username, nonce } = result.data);
      ({ grant } = result);
      scopes = grantedScopes(result.data.scope);
    } else if (body.grant_type === 'refresh_token') {
      const rec = ctx.store.find(body.refresh_token, 'refresh');
      if (!rec || rec.clientId !== ctx.client.id) return fail(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
      rec.revoked = true; // rotation: the presented refresh token is spent
      ({ username, scopes, grant } = rec);
    } else {
      return fail(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${body.grant_type ?? ''}'.`);
    }

    const user = findUser(username);
    const access = randomToken('EwA', 120);
    ctx.store.add(access, { kind: 'access', username, scopes: scopes.all, clientId: ctx.client.id, grant, ttl: accessTokenTtl });
    const response = { token_type: 'Bearer', scope: scopes.reported.join(' '), expires_in: accessTokenTtl, ext_expires_in: accessTokenTtl, access_token: access };
    if (scopes.all.includes('offline_access')) {
      response.refresh_token = randomToken('0.AAAA', 200);
      ctx.store.add(response.refresh_token, { kind: 'refresh', username, scopes, clientId: ctx.client.id, grant, ttl: 90 * 86400 });
    }
    if (scopes.all.includes('openid')) response.id_token = await idToken(user, scopes.all, nonce);
    return sendJson(res, 200, response, NO_STORE);
  }

  async function logout(req, res, url) {
    const params = Object.fromEntries(url.searchParams);
    if (req.method === 'POST') Object.assign(params, (await readBody(req)).params);
    ctx.last.logout = params;
    const target = params.post_logout_redirect_uri;
    if (target && sameOriginAsRedirects(target, ctx.redirectUris)) return redirect(res, withParams(target, { state: params.state || undefined }), htmlHeaders);
    return sendHtml(res, 200, messagePage('Microsoft', 'You signed out of your account', "It's a good idea to close all browser windows."), htmlHeaders);
  }

  // ---- Microsoft Graph --------------------------------------------------
  function memberObject(m, full) {
    const fields = m.type === 'group'
      ? {
        deletedDateTime: null, classification: null, createdDateTime: '2022-03-01T09:00:00Z', creationOptions: [],
        description: m.description, displayName: m.displayName, expirationDateTime: null, groupTypes: [],
        isAssignableToRole: null, mail: m.mail, mailEnabled: m.mail !== null, mailNickname: m.displayName.replace(/\s+/g, '').toLowerCase(),
        onPremisesSyncEnabled: null, proxyAddresses: m.mail ? [`SMTP:${m.mail}`] : [], securityEnabled: true, visibility: 'Private',
      }
      : { deletedDateTime: null, description: m.description, displayName: m.displayName, roleTemplateId: m.roleTemplateId };
    if (!full) for (const k of Object.keys(fields)) fields[k] = null;
    return { '@odata.type': `#microsoft.graph.${m.type}`, id: m.id, ...fields };
  }

  async function graph(req, res, url) {
    const path = url.pathname.slice('/graph'.length);
    const err = (status, code, message) => sendJson(res, status, {
      error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': randomUUID(), 'client-request-id': randomUUID() } },
    });
    const value = parseBearer(req.headers.authorization);
    if (!value) return err(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    const { rec, problem } = ctx.store.check(value, 'access');
    if (problem === 'expired') return err(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');
    if (problem) return err(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
    const user = findUser(rec.username);
    const a = user.azure;

    if (path === '/oidc/userinfo' && (req.method === 'GET' || req.method === 'POST')) {
      if (!rec.scopes.includes('openid')) return err(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
      const info = { sub: pairwiseSub(rec.clientId, a.oid), name: user.name, family_name: user.familyName, given_name: user.givenName, picture: avatarUrl(ctx.base(), user.username) };
      if (rec.scopes.includes('email') && a.mail) info.email = a.mail;
      return sendJson(res, 200, info);
    }
    if (req.method !== 'GET') return err(405, 'Request_BadRequest', 'Specified HTTP method is not allowed for the request target.');
    if (!hasScope(rec.scopes, ['user.read', 'user.read.all', 'directory.read.all'])) return err(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
    if (path === '/v1.0/me') {
      return sendJson(res, 200, {
        '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
        businessPhones: [], displayName: user.name, givenName: user.givenName, jobTitle: a.jobTitle, mail: a.mail,
        mobilePhone: null, officeLocation: a.officeLocation, preferredLanguage: a.preferredLanguage, surname: user.familyName,
        userPrincipalName: a.upn, id: a.oid,
      });
    }
    if (path === '/v1.0/me/memberOf') {
      let offset = 0;
      const skip = url.searchParams.get('$skiptoken');
      if (skip !== null) {
        const m = /^emu:(\d+)$/.exec(Buffer.from(skip, 'base64url').toString('utf8'));
        if (!m) return err(400, 'Request_BadRequest', 'Invalid paging token.');
        offset = Number(m[1]);
      }
      const topRaw = Number.parseInt(url.searchParams.get('$top') ?? '', 10);
      const size = topRaw > 0 ? Math.min(topRaw, pageSize) : pageSize;
      const full = hasScope(rec.scopes, GROUP_SCOPES);
      const body = { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#directoryObjects' };
      if (offset + size < a.memberOf.length) {
        const top = topRaw > 0 ? `$top=${topRaw}&` : '';
        body['@odata.nextLink'] = `${ctx.base()}/graph/v1.0/me/memberOf?${top}$skiptoken=${Buffer.from(`emu:${offset + size}`).toString('base64url')}`;
      }
      body.value = a.memberOf.slice(offset, offset + size).map((m) => memberObject(m, full));
      return sendJson(res, 200, body);
    }
    return err(400, 'BadRequest', `Resource not found for the segment '${path.split('/').pop()}'.`);
  }

  async function handle(req, res, url) {
    if (url.pathname.startsWith('/graph/')) {
      await graph(req, res, url);
      return true;
    }
    const m = ROUTE.exec(url.pathname);
    if (!m) return false;
    const tenant = tenantOf(m[1]);
    const what = m[2];
    if (!tenant) {
      const body = aadError('invalid_tenant', 90002, `Tenant '${m[1]}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
      if (what.endsWith('authorize') || what.endsWith('logout')) sendHtml(res, 400, messagePage('Microsoft', 'Sign in error', body.error_description), htmlHeaders);
      else sendJson(res, 400, body);
      return true;
    }
    if (what.endsWith('openid-configuration') && req.method === 'GET') sendJson(res, 200, discovery(tenant));
    else if (what.endsWith('keys') && req.method === 'GET') sendJson(res, 200, (await signer).jwks);
    else if (what.endsWith('authorize') && (req.method === 'GET' || req.method === 'POST')) await authorize(req, res, url, ctx, authorizeSpec(tenant));
    else if (what.endsWith('token') && req.method === 'POST') await token(req, res, tenant);
    else if (what.endsWith('logout') && (req.method === 'GET' || req.method === 'POST')) await logout(req, res, url);
    else return false;
    return true;
  }

  return serve({ name: 'Microsoft', port, handle, ctx });
}

// Koa middleware mounted with provider.use(): the login and consent pages
// (GET/POST /interaction/:uid), the avatar images and the optional COOP header.
import { avatarSvg, consentPage, errorPage, loginPage } from './views.mjs';

const MAX_BODY = 64 * 1024;

async function readForm(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw Object.assign(new Error('request body too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function html(ctx, status, body) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = body;
}

// Grants everything the consent prompt says is missing (same as
// oidc-provider's own devInteractions do).
async function grantConsent(provider, interaction) {
  const { prompt: { details }, params, session, grantId } = interaction;
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  if (details.missingResourceScopes) {
    for (const [indicator, scopes] of Object.entries(details.missingResourceScopes)) {
      grant.addResourceScope(indicator, scopes.join(' '));
    }
  }
  return grant.save();
}

export function interactionRoutes(provider, { issuer, users, autoApprove, coop }) {
  const byUsername = new Map(users.map((u) => [u.preferred_username, u]));
  const bySub = new Map(users.map((u) => [u.sub, u]));
  const avatars = new Map(users.filter((u) => u.picture?.startsWith(`${issuer}/`))
    .map((u) => [u.picture.slice(issuer.length), u]));

  const finish = (ctx, result, merge) => provider.interactionFinished(
    ctx.req,
    ctx.res,
    result,
    { mergeWithLastSubmission: merge },
  );
  const login = (ctx, user) => finish(ctx, { login: { accountId: user.sub } }, false);
  const consent = async (ctx, interaction) => finish(
    ctx,
    { consent: { grantId: await grantConsent(provider, interaction) } },
    true,
  );
  const deny = (ctx) => finish(ctx, {
    error: 'access_denied',
    error_description: 'The user denied the request',
  }, false);

  const showLogin = (ctx, interaction, status, error, username) => html(ctx, status, loginPage({
    uid: interaction.uid,
    clientId: interaction.params.client_id,
    users,
    error,
    username: username ?? interaction.params.login_hint ?? '',
  }));

  async function onGet(ctx, interaction) {
    const { name } = interaction.prompt;
    if (autoApprove) {
      if (name === 'login') {
        const hint = interaction.params.login_hint;
        return login(ctx, byUsername.get(hint) ?? bySub.get(hint) ?? users[0]);
      }
      if (name === 'consent') return consent(ctx, interaction);
    }
    if (name === 'login') return showLogin(ctx, interaction, 200);
    if (name === 'consent') {
      return html(ctx, 200, consentPage({
        uid: interaction.uid,
        clientId: interaction.params.client_id,
        scopes: String(interaction.params.scope ?? '').split(' ').filter(Boolean),
        user: bySub.get(interaction.session?.accountId),
      }));
    }
    return html(ctx, 501, errorPage('not_implemented', `unknown prompt ${name}`));
  }

  async function onPost(ctx, interaction) {
    const form = await readForm(ctx.req);
    const { name } = interaction.prompt;
    if (name === 'login') {
      const username = form.get('username') ?? '';
      const user = byUsername.get(username);
      if (!user || user.password !== (form.get('password') ?? '')) {
        return showLogin(ctx, interaction, 401, 'Wrong username or password', username);
      }
      return login(ctx, user);
    }
    if (name === 'consent') {
      return form.get('decision') === 'allow' ? consent(ctx, interaction) : deny(ctx);
    }
    return html(ctx, 501, errorPage('not_implemented', `unknown prompt ${name}`));
  }

  return async function localRoutes(ctx, next) {
    const { path, method } = ctx;
    const isPage = path.startsWith('/interaction/') || path === '/auth' || path.startsWith('/auth/')
      || path.startsWith('/session/end');
    if (coop && isPage) ctx.set('Cross-Origin-Opener-Policy', coop);

    if (method === 'GET' && avatars.has(path)) {
      ctx.type = 'image/svg+xml';
      ctx.set('Cache-Control', 'public, max-age=3600');
      ctx.body = avatarSvg(avatars.get(path));
      return undefined;
    }

    const match = /^\/interaction\/([^/]+)$/.exec(path);
    if (!match || (method !== 'GET' && method !== 'POST')) {
      await next();
      if (coop && ctx.response.is('html') && !ctx.headerSent) ctx.set('Cross-Origin-Opener-Policy', coop);
      return undefined;
    }

    try {
      const interaction = await provider.interactionDetails(ctx.req, ctx.res);
      if (interaction.uid !== match[1]) {
        return html(ctx, 400, errorPage('invalid_request', 'interaction does not match this page'));
      }
      return await (method === 'GET' ? onGet(ctx, interaction) : onPost(ctx, interaction));
    } catch (err) {
      if (ctx.headerSent) throw err;
      const status = err.statusCode ?? err.status ?? 500;
      if (status >= 500) console.error('interaction failed:', err.message);
      return html(ctx, status, errorPage(err.error ?? 'server_error', err.error_description ?? err.message));
    }
  };
}

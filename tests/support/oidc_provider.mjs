// A real OpenID Connect provider for the tests (the `oidc-provider` package from npm), on 127.0.0.1.
//
// Started by the `oidc_provider` fixture (tests/conftest.py) with:
//   OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS, OIDC_POST_LOGOUT_REDIRECT_URIS
// Its own development login page takes any login (it becomes the subject) and any password. A test says, before a
// sign-in, how the next one goes: `POST /_test/next {"amr": [...], "acr": "...", "fault": "..."}`.
// A fault changes the next ID token the token endpoint hands out, as an attacker or a broken provider would:
//   audience  - signed properly, but for another client (while «azp» names ours)
//   expired   - signed properly, but expired ten minutes ago
//   signature - one character of the signature changed
//   replay    - the ID token of the previous sign-in, as it was (its nonce answers another sign-in)
//   rotate    - signed with a new key, which the key set (jwks_uri) lists from now on
//   slow      - the token endpoint answers only after `delay` seconds
import Provider from 'oidc-provider';
import * as jose from 'jose';

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.OIDC_CLIENT_ID;

async function signingKey(kid) {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

const first = await signingKey('key-1');
const rotated = await signingKey('key-2');
let rotatedPublished = false;
let next = {};
let previousIdToken = null;

const publicPart = ({ d, p, q, dp, dq, qi, ...rest }) => rest;

async function resign(idToken, change, key = first) {
  const claims = { ...jose.decodeJwt(idToken), ...change };
  const privateKey = await jose.importJWK(key, 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' }).sign(privateKey);
}

async function faulty(idToken, fault) {
  const now = Math.floor(Date.now() / 1000);
  switch (fault) {
    case 'audience':
      return resign(idToken, { aud: 'another-client', azp: clientId });
    case 'expired':
      return resign(idToken, { iat: now - 3600, exp: now - 600 });
    case 'signature': {
      const [header, payload, signature] = idToken.split('.');
      const i = 10; // a character in the middle: all six of its bits are signature bits
      const changed = signature[i] === 'A' ? 'B' : 'A';
      return [header, payload, signature.slice(0, i) + changed + signature.slice(i + 1)].join('.');
    }
    case 'replay':
      return previousIdToken ?? idToken;
    case 'rotate':
      rotatedPublished = true;
      return resign(idToken, {}, rotated);
    default:
      return idToken;
  }
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: process.env.OIDC_REDIRECT_URIS.split(' '),
    post_logout_redirect_uris: process.env.OIDC_POST_LOGOUT_REDIRECT_URIS.split(' '),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  cookies: { keys: ['a-key-for-the-tests-only'] },
  jwks: { keys: [first] },
  claims: { openid: ['sub', 'acr', 'amr', 'auth_time'], profile: ['name'] },
  conformIdTokenClaims: false,
  acrValues: ['idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'],
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, name: id }) }),
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  // No consent page: the municipality's own provider trusts its own application.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile');
    await grant.save();
    return grant;
  },
});

// How the person authenticated (set by the test): the login's acr and amr, as a real provider's MFA would.
const finished = provider.interactionFinished.bind(provider);
provider.interactionFinished = async (req, res, result, options) => {
  if (result.login) {
    result.login.amr = next.amr ?? ['pwd'];
    if (next.acr) result.login.acr = next.acr;
  }
  return finished(req, res, result, options);
};

provider.use(async (ctx, nextMiddleware) => {
  if (ctx.path === '/_test/next' && ctx.method === 'POST') {
    let body = '';
    for await (const chunk of ctx.req) body += chunk;
    next = JSON.parse(body || '{}');
    ctx.body = { ok: true };
    return;
  }
  if (ctx.path === '/token' && next.fault === 'slow') {
    await new Promise((resolve) => { setTimeout(resolve, (next.delay ?? 3) * 1000); });
  }
  await nextMiddleware();
  if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token) {
    const issued = ctx.body.id_token;
    ctx.body = { ...ctx.body, id_token: await faulty(issued, next.fault) };
    previousIdToken = issued;
    next = { ...next, fault: undefined };
  }
  if (ctx.path === '/jwks' && rotatedPublished && ctx.body?.keys) {
    ctx.body = { keys: [...ctx.body.keys, publicPart(rotated)] };
  }
  // The development pages load a web font from the internet; the test machine has none.
  if (typeof ctx.body === 'string' && ctx.type?.includes('html')) {
    ctx.body = ctx.body.replace(/@import url\([^)]*\);/g, '');
  }
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

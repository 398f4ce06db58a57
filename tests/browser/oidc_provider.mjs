// R51: a real, OpenID Certified provider for the browser test: npm's
// `oidc-provider` on loopback, with one confidential client (the approval
// page: client_secret_basic, PKCE required, the code flow only), its
// development login and consent screens, and the people it may sign in,
// each with a verified email. Its interactions accept any password: this
// provider exists only for tests.
//
//   node tests/browser/oidc_provider.mjs <port> <redirect URI> <client id> <client secret> <people.json>
//
// <people.json>: {"olivia@acme-corp.example": "Olivia Acme-Owner", ...}.
// Prints "oidc-provider listening on <issuer>" once it serves.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [port, redirectUri, clientId, clientSecret, peopleFile] = process.argv.slice(2);
const people = JSON.parse(readFileSync(peopleFile, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  // PKCE (S256, the only method oidc-provider accepts) for every client.
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The development login form takes any login: it is the person's email.
  async findAccount(_ctx, id) {
    const email = String(id).trim().toLowerCase();
    if (!(email in people)) return undefined;
    return {
      accountId: email,
      async claims() {
        return { sub: email, email, email_verified: true, name: people[email] };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['cam-browser-test-only'] },
});

provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`);
});

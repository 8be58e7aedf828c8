// The Porte server's provider configuration for the emulated providers (end2end/emulators/),
// in one place for the Playwright run and `scripts/dev`. The secrets are the emulators' own
// test registrations, not real credentials.
//
//   node app-env.mjs [label-suffix]   prints `export NAME='value'` lines for a shell to eval

const host = "http://127.0.0.1";
const port = (name, fallback) => process.env[`EMULATOR_${name}_PORT`] ?? String(fallback);
const secret = (name) => `porte-${name}-secret-0123456789abcdef`;

/** Environment variables that point Porte's built-in providers at the emulators. */
export function emulatedProvidersEnv(labelSuffix = "") {
  const gh = `${host}:${port("GITHUB", 4021)}`;
  const google = `${host}:${port("GOOGLE", 4022)}`;
  const azure = `${host}:${port("AZURE", 4023)}`;
  const auth0 = `${host}:${port("AUTH0", 4024)}`;
  const linkedin = `${host}:${port("LINKEDIN", 4025)}`;
  return {
    GITHUB_CLIENT_ID: "porte-github",
    GITHUB_CLIENT_SECRET: secret("github"),
    GITHUB_URL: gh,
    GITHUB_API_URL: `${gh}/api/v3`,
    GITHUB_LABEL: `GitHub${labelSuffix}`,
    GOOGLE_CLIENT_ID: "porte-google",
    GOOGLE_CLIENT_SECRET: secret("google"),
    GOOGLE_ISSUER: google,
    GOOGLE_LABEL: `Google${labelSuffix}`,
    AZURE_CLIENT_ID: "porte-azure",
    AZURE_CLIENT_SECRET: secret("azure"),
    AZURE_TENANT: "common",
    AZURE_AUTHORITY: azure,
    AZURE_GRAPH_URL: `${azure}/graph`,
    AZURE_LABEL: `Microsoft${labelSuffix}`,
    AUTH0_DOMAIN: auth0,
    AUTH0_CLIENT_ID: "porte-auth0",
    AUTH0_CLIENT_SECRET: secret("auth0"),
    AUTH0_GROUPS_CLAIM: "https://porte.test/groups",
    AUTH0_LABEL: `Auth0${labelSuffix}`,
    LINKEDIN_CLIENT_ID: "porte-linkedin",
    LINKEDIN_CLIENT_SECRET: secret("linkedin"),
    LINKEDIN_URL: linkedin,
    LINKEDIN_API_URL: linkedin,
    LINKEDIN_LABEL: `LinkedIn${labelSuffix}`,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quote = (v) => `'${String(v).replaceAll("'", "'\\''")}'`;
  for (const [k, v] of Object.entries(emulatedProvidersEnv(process.argv[2] ?? ""))) {
    console.log(`export ${k}=${quote(v)}`);
  }
}

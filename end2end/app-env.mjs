// The Porte server's provider configuration for the emulated providers (end2end/emulators/),
// in one place for the Playwright run and `scripts/dev`. The secrets are the emulators' own
// test registrations, not real credentials.
//
//   node app-env.mjs [label-suffix]   prints `export NAME='value'` lines for a shell to eval

import { readFileSync } from "node:fs";

const host = "http://127.0.0.1";

/** The test server's app secret (a throw-away value; the secrets test searches for it). */
export const appSecret = "e2e-only-app-secret-0123456789abcdefghij";
/** Where the test run's main server (port 3000) writes its log, at debug level. */
export const serverLog = new URL("./logs/server-3000.log", import.meta.url).pathname;
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
    // The demo shows every team and Entra group (each needs an extra scope, so neither is read
    // unless configured).
    GITHUB_GROUPS: "*",
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
    AZURE_GROUPS: "*",
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

/** The app server of the ID-token and provider-fault tests (tests/id-token.spec.ts,
 *  tests/provider-faults.spec.ts), on its own port so the faults do not touch the main app:
 *  the misbehaving emulator (emulators/rogue.mjs) as "Rogue", its issuer that only ever fails
 *  ("Broken", …/broken), an issuer nobody listens on ("Down"), and the local provider
 *  ("Local", client 0 of provider/clients.json) to show the server keeps serving others. */
export function faultTestsEnv(origin = "http://127.0.0.1:3002") {
  const rogue = `${host}:${port("ROGUE", 4026)}`;
  const local = JSON.parse(readFileSync(new URL("./provider/clients.json", import.meta.url), "utf8"))[0];
  const oidc = (name, issuer, label, scopes = "openid profile email") => ({
    [`OIDC_${name}_ISSUER`]: issuer,
    [`OIDC_${name}_CLIENT_ID`]: name === "LOCAL" ? local.client_id : "porte-rogue",
    [`OIDC_${name}_CLIENT_SECRET`]: name === "LOCAL" ? local.client_secret : secret("rogue"),
    [`OIDC_${name}_LABEL`]: label,
    [`OIDC_${name}_SCOPES`]: scopes,
  });
  return {
    LEPTOS_SITE_ADDR: new URL(origin).host,
    PORTE_ORIGIN: origin,
    ...oidc("ROGUE", rogue, "Rogue"),
    ...oidc("BROKEN", `${rogue}/broken`, "Broken"),
    // Nothing listens there: the provider is down before the login starts.
    ...oidc("DOWN", `${host}:${process.env.PORTE_DOWN_PORT ?? "4029"}`, "Down"),
    ...oidc("LOCAL", `${host}:${process.env.OIDC_PORT ?? "4010"}`, "Local", "openid profile email groups"),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const quote = (v) => `'${String(v).replaceAll("'", "'\\''")}'`;
  for (const [k, v] of Object.entries(emulatedProvidersEnv(process.argv[2] ?? ""))) {
    console.log(`export ${k}=${quote(v)}`);
  }
}

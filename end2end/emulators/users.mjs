// The two test users shared by every provider emulator, with the per-provider
// identifiers and fixtures (GitHub emails/teams/repos, Entra groups, ...).
// Everything is fixed so that tests can assert on exact values.
//
// alice: complete profile, verified email, member of 5 groups/teams (more than
//        one page at the emulators' small page sizes, so pagination is exercised).
// bob:   sparse profile (no GitHub display name, no Entra mail), email NOT verified,
//        no groups/teams.
// mallory: Microsoft only, from another Entra tenant she created herself, where she made a
//        group named "admins" and joined it (what anyone can do with a free tenant).

// The home tenant of alice and bob in the Microsoft Entra emulator.
export const AZURE_TENANT_ID = '4ae1c4b5-0f0e-4d1a-9b3f-5e7a2c9d0a11';
// The stranger's own tenant.
export const STRANGER_TENANT_ID = '6c2f9e1d-7a3b-4c5d-8e9f-0a1b2c3d4e5f';
// Alice's "Admins" group in the home tenant: what an app authorizes on.
export const AZURE_ADMINS_GROUP_ID = '7b1d2c3e-0001-4a5b-8c6d-111111111111';

const WONDERLAND = { login: 'wonderland', id: 2001, description: 'Residents of Wonderland' };
const LOOKING_GLASS = { login: 'looking-glass', id: 2002, description: 'Through the looking-glass' };
export const GITHUB_ORGS = [WONDERLAND, LOOKING_GLASS];

export const USERS = {
  alice: {
    username: 'alice',
    name: 'Alice Liddell',
    givenName: 'Alice',
    familyName: 'Liddell',
    email: 'alice@wonderland.example',
    emailVerified: true,
    github: {
      id: 1001,
      name: 'Alice Liddell',
      company: '@wonderland',
      blog: 'https://wonderland.example',
      location: 'Oxford',
      bio: 'Curiouser and curiouser.',
      followers: 42,
      following: 7,
      createdAt: '2011-01-25T18:44:36Z',
      // Primary address deliberately NOT first, plus an unverified one.
      emails: [
        { email: 'alice@old.example', primary: false, verified: true, visibility: null },
        { email: 'alice@wonderland.example', primary: true, verified: true, visibility: 'private' },
        { email: 'alice@typo.example', primary: false, verified: false, visibility: null },
      ],
      orgs: [WONDERLAND, LOOKING_GLASS],
      teams: [
        { id: 3001, org: WONDERLAND, slug: 'admins', name: 'Admins', privacy: 'closed', permission: 'admin', members: 2, repos: 3 },
        { id: 3002, org: WONDERLAND, slug: 'readers', name: 'Readers', privacy: 'closed', permission: 'pull', members: 12, repos: 3 },
        { id: 3003, org: WONDERLAND, slug: 'tea-party', name: 'Tea Party', privacy: 'secret', permission: 'push', members: 4, repos: 1 },
        { id: 3004, org: LOOKING_GLASS, slug: 'chess', name: 'Chess', privacy: 'closed', permission: 'pull', members: 16, repos: 2 },
        { id: 3005, org: LOOKING_GLASS, slug: 'queens', name: 'Queens', privacy: 'secret', permission: 'maintain', members: 3, repos: 1 },
      ],
      repos: [
        { id: 5001, name: 'looking-glass', private: false, description: 'Notes from the other side', language: 'Rust', stars: 12 },
        { id: 5002, name: 'rabbit-hole', private: true, description: 'Down we go', language: 'TypeScript', stars: 0 },
        { id: 5003, name: 'tea-party', private: false, description: 'Always six o\'clock', language: 'Python', stars: 3 },
      ],
    },
    google: { sub: '110000000000000000001' },
    azure: {
      oid: '0c7e1f3a-6d2b-4e8f-a1c3-5b9d7e2f4a60',
      upn: 'alice@wonderland.onmicrosoft.com',
      mail: 'alice@wonderland.example',
      jobTitle: 'Explorer',
      officeLocation: 'Rabbit Hole 1',
      preferredLanguage: 'en-GB',
      // 4 groups + 1 directory role = 3 pages at the default page size of 2.
      memberOf: [
        { type: 'group', id: AZURE_ADMINS_GROUP_ID, displayName: 'Admins', description: 'Wonderland administrators', mail: 'admins@wonderland.example' },
        { type: 'group', id: '7b1d2c3e-0002-4a5b-8c6d-222222222222', displayName: 'Readers', description: 'Read-only access', mail: null },
        { type: 'group', id: '7b1d2c3e-0003-4a5b-8c6d-333333333333', displayName: 'Tea Party', description: 'Mad hatters', mail: 'tea@wonderland.example' },
        { type: 'directoryRole', id: '9f8e7d6c-0004-4b3a-9c8d-444444444444', displayName: 'Global Reader', description: 'Can read everything that a Global Administrator can, but not update anything.', roleTemplateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451' },
        { type: 'group', id: '7b1d2c3e-0005-4a5b-8c6d-555555555555', displayName: 'Chess Club', description: 'Red and white', mail: null },
      ],
    },
    auth0: { sub: 'auth0|alice0001', nickname: 'alice', groups: ['admins', 'readers'], updatedAt: '2024-05-01T10:00:00.000Z' },
    linkedin: { sub: '782bbtaQ', locale: { country: 'GB', language: 'en' } },
  },
  bob: {
    username: 'bob',
    name: 'Bob Builder',
    givenName: 'Bob',
    familyName: 'Builder',
    email: 'bob@builder.example',
    emailVerified: false,
    github: {
      id: 1002,
      name: null, // GitHub users often have no display name.
      company: null,
      blog: '',
      location: null,
      bio: null,
      followers: 0,
      following: 0,
      createdAt: '2019-06-03T08:00:00Z',
      // Unverified primary, verified secondary.
      emails: [
        { email: 'bob@builder.example', primary: true, verified: false, visibility: 'private' },
        { email: 'bob@verified.example', primary: false, verified: true, visibility: null },
      ],
      orgs: [],
      teams: [],
      repos: [],
    },
    google: { sub: '110000000000000000002' },
    azure: {
      oid: '5d4c3b2a-1e0f-4a9b-8c7d-6e5f4a3b2c1d',
      upn: 'bob@wonderland.onmicrosoft.com',
      mail: null, // Entra accounts frequently have no mail attribute.
      jobTitle: null,
      officeLocation: null,
      preferredLanguage: null,
      memberOf: [],
    },
    auth0: { sub: 'auth0|bob0002', nickname: 'bob', groups: [], updatedAt: '2024-05-02T11:30:00.000Z' },
    linkedin: { sub: 'Qx9rT2bL', locale: { country: 'US', language: 'en' } },
  },
  mallory: {
    username: 'mallory',
    name: 'Mallory Stranger',
    givenName: 'Mallory',
    familyName: 'Stranger',
    email: 'mallory@stranger.example',
    emailVerified: true,
    only: ['azure'],
    azure: {
      tenant: STRANGER_TENANT_ID,
      oid: '3e8d1c2b-9a7f-4e6d-b5c4-a3b2c1d0e9f8',
      upn: 'mallory@stranger.onmicrosoft.com',
      mail: 'mallory@stranger.example',
      jobTitle: null,
      officeLocation: null,
      preferredLanguage: null,
      memberOf: [
        { type: 'group', id: '5a4b3c2d-0001-4e5f-8a9b-0c1d2e3f4a5b', displayName: 'admins', description: 'Made by mallory', mail: null },
        { type: 'directoryRole', id: '5a4b3c2d-0002-4e5f-8a9b-0c1d2e3f4a5b', displayName: 'admins', description: 'A role by that name', roleTemplateId: '62e90394-69f5-4237-9190-012177145e10' },
      ],
    },
  },
};

export function findUser(username) {
  return Object.hasOwn(USERS, username) ? USERS[username] : undefined;
}

// Avatars are served by every emulator itself so that pages work offline.
export function avatarUrl(base, username) {
  return `${base}/avatars/${username}.svg`;
}

export function avatarSvg(username) {
  const letter = username.slice(0, 1).toUpperCase();
  const colour = { alice: '#3b82f6', bob: '#f59e0b' }[username] ?? '#6b7280';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="96" height="96" viewBox="0 0 96 96">`
    + `<rect width="96" height="96" rx="48" fill="${colour}"/>`
    + `<text x="48" y="62" font-family="sans-serif" font-size="44" text-anchor="middle" fill="#fff">${letter}</text></svg>`;
}

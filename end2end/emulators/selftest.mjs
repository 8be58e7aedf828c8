// Self-test of the provider emulators: starts every emulator in-process on free
// ports and drives it over real HTTP like a client and a user would (authorize page
// -> form POST -> code -> token -> API), checking the documented formats and quirks;
// then spawns server.mjs once to check start-up logging and SIGTERM handling.
// Run from end2end/: node emulators/selftest.mjs   (exit code 1 on any failure)
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { REDIRECT, check, listening, request, summary } from './selftest/kit.mjs';
import * as auth0Tests from './selftest/auth0.mjs';
import * as azureTests from './selftest/azure.mjs';
import * as githubTests from './selftest/github.mjs';
import * as googleTests from './selftest/google.mjs';
import * as linkedinTests from './selftest/linkedin.mjs';
import * as rogueTests from './selftest/rogue.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// The in-process emulators read their defaults from the environment; drop any
// emulator settings of the calling shell so the expectations below hold.
for (const key of Object.keys(process.env)) {
  if (/^(EMULATOR_|GITHUB_EMULATOR_|AZURE_EMULATOR_|AUTH0_EMULATOR_)/.test(key)) delete process.env[key];
}

const servers = [];
async function boot(module, options) {
  const server = module.start({ port: 0, redirectUris: [REDIRECT], ...options });
  servers.push(server);
  await listening(server);
  return `http://127.0.0.1:${server.address().port}`;
}

async function freePort() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// server.mjs: logs one line per emulator, answers, and exits 0 on SIGTERM.
async function spawnServer() {
  const names = ['GITHUB', 'GOOGLE', 'AZURE', 'AUTH0', 'LINKEDIN', 'ROGUE'];
  const ports = [];
  for (let i = 0; i < names.length; i += 1) ports.push(await freePort());
  const env = { ...process.env, EMULATOR_REDIRECT_URIS: `${REDIRECT},http://127.0.0.1:3000/other` };
  names.forEach((n, i) => { env[`EMULATOR_${n}_PORT`] = String(ports[i]); });
  const child = spawn(process.execPath, [path.join(here, 'server.mjs')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 10000;
  while ((out.match(/ emulator listening on /g) || []).length < names.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const expected = ['GitHub', 'Google', 'Azure', 'Auth0', 'LinkedIn', 'Rogue'].map((n, i) => `${n} emulator listening on http://127.0.0.1:${ports[i]}`);
  check('server.mjs: one "listening" line per emulator', expected.every((line) => out.includes(line)), out);
  const health = await Promise.all(ports.map((p) => request(`http://127.0.0.1:${p}/_emulator/health`).then((r) => r.text, () => 'down')));
  check('server.mjs: all six answer /_emulator/health', health.every((t) => t === 'ok'), health);
  const alt = await request(`http://127.0.0.1:${ports[0]}/login/oauth/authorize?client_id=porte-github&redirect_uri=${encodeURIComponent('http://127.0.0.1:3000/other')}`);
  check('server.mjs: EMULATOR_REDIRECT_URIS honoured', alt.status === 200);
  child.kill('SIGTERM');
  const { code } = await exited;
  check('server.mjs: exits 0 on SIGTERM', code === 0, `exit code ${code}`);
}

const sections = [
  ['github', () => githubTests.run(boot)],
  ['google', () => googleTests.run(boot)],
  ['azure', () => azureTests.run(boot)],
  ['auth0', () => auth0Tests.run(boot)],
  ['linkedin', () => linkedinTests.run(boot)],
  ['rogue', () => rogueTests.run(boot)],
  ['server.mjs', spawnServer],
];
for (const [name, run] of sections) {
  try {
    await run();
  } catch (err) {
    check(`${name}: section ran to completion`, false, err.stack || String(err));
  }
}

for (const server of servers) {
  server.close();
  server.closeAllConnections();
}
const { passed, failed } = summary();
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

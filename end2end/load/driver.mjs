// Login load driver (issues 6 and 7): an HTTP client, no browser, that walks the real login flow
// against the app server binary and the local OpenID provider in auto-approve mode, and the same
// flow against the provider alone as a baseline. Run it through scripts/load, which sets the
// server's site environment; `scripts/load --help` lists the options.
//
// Per app login: POST /api/porte/start_login → provider /auth and its interaction redirects (cookie jar
// per login, redirects followed by hand) → GET /api/oauth/redirect (completion page: sealed token,
// binding cookie) → POST /api/porte/restore_session with the sealed token and the cookie (200 + user).
// Per provider-alone login: /auth … → Location of its own redirect_uri (not fetched) → /token
// (PKCE) → /me. Order: a short provider warm-up (not counted), the app phase, the provider phase.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import {
  appLogin, cpuTicks, floorLogin, loadavg, newAgent, percentile, providerLogin, restoreSession, rssKiB,
} from './http.mjs';
import {
  ensureFree, killChildren, logTail, ProcessError, startFloor, startProvider, startServer, writeClients,
} from './processes.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const end2end = path.resolve(here, '..');
const RSS_LIMIT = 1.10;
const RSS_CHECK_FROM = 5000;

const USAGE = `usage: scripts/load [--logins N] [--concurrency C] [--mode app|provider|both]
                   [--provider-logins N] [--app-port P] [--provider-port P]
  --logins N           complete logins through the app (default 10000)
  --concurrency C      logins in flight at once (default 64)
  --mode M             app: through the app; provider: provider alone; both (default), one
                       after the other; mixed: both flows alternating in one phase
  --provider-logins N  provider-alone logins in mode both (default: --logins)
  --app-port P         app server port on 127.0.0.1 (default 3100)
  --provider-port P    local provider port on 127.0.0.1 (default 4110)
  --json FILE          also write the figures as JSON (for scripts/bench)
  --floor              mode app: then the same logins through end2end/bench/floor-server, the
                       least a server does for them on Porte's crates (the CPU floor)
  --floor-port P       floor server port on 127.0.0.1 (default 3300)
  --restores N         mode app: restore_session calls measured on their own, to take the
                       driver's proof call out of the CPU per login (default: --logins, at most
                       5000)
Needs the release server binary (PORTE_SERVER_BIN, set by scripts/load), and for --floor the
floor server's (PORTE_FLOOR_BIN; cargo build --release -p floor-server).`;

function parseArgs(argv) {
  const opts = { logins: 10000, concurrency: 64, mode: 'both', providerLogins: null, appPort: 3100, providerPort: 4110, floor: false, floorPort: 3300, restores: null };
  const ints = { '--logins': 'logins', '--concurrency': 'concurrency', '--provider-logins': 'providerLogins', '--app-port': 'appPort', '--provider-port': 'providerPort', '--floor-port': 'floorPort', '--restores': 'restores' };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const [flag, inline] = arg.split(/=(.*)/s, 2);
    if (flag === '-h' || flag === '--help') { console.log(USAGE); process.exit(0); }
    if (flag === '--floor' && inline === undefined) { opts.floor = true; continue; }
    const value = inline ?? argv[++i];
    if (ints[flag]) {
      const n = Number(value);
      if (value === undefined || !Number.isSafeInteger(n) || n <= 0) usage(`${flag} needs a positive integer`);
      opts[ints[flag]] = n;
    } else if (flag === '--json') {
      if (!value) usage('--json needs a file');
      opts.json = value;
    } else if (flag === '--mode') {
      if (!['app', 'provider', 'both', 'mixed'].includes(value)) usage('--mode is app, provider, both or mixed');
      opts.mode = value;
    } else usage(`unknown option ${arg}`);
  }
  opts.providerLogins ??= opts.logins;
  opts.restores ??= Math.min(opts.logins, 5000);
  if (opts.floor && opts.mode !== 'app') usage('--floor goes with --mode app');
  return opts;
}

function usage(message) {
  console.error(`load: ${message}\n${USAGE}`);
  process.exit(2);
}

let tmp;

function fail(message, log) {
  console.error(`load: ${message}`);
  if (log) console.error(`--- last lines of ${log} ---\n${logTail(log)}`);
  killChildren();
  process.exit(1);
}

// ---- runs ------------------------------------------------------------------------------------

/** Runs `total` logins with `concurrency` in flight; `onDone(count)` after each one. `login` may
 *  be a list of flows taken in turn (mode mixed); `byFlow[i]` holds flow i's latencies. */
async function runPhase(total, concurrency, login, ctx, onDone = () => {}) {
  const agent = newAgent();
  const flows = Array.isArray(login) ? login : [login];
  const byFlow = flows.map(() => []);
  const latencies = [];
  const errors = new Map();
  let started = 0;
  let done = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  async function worker() {
    while (started < total) {
      const flow = started % flows.length;
      started += 1;
      const t = performance.now();
      try {
        await flows[flow]({ ...ctx, agent });
        latencies.push(performance.now() - t);
        byFlow[flow].push(performance.now() - t);
      } catch (err) {
        const kind = err.kind ?? `exception ${err.message}`;
        if (!errors.has(kind)) console.error(`load: first "${kind}" error: ${err.message}`);
        errors.set(kind, (errors.get(kind) ?? 0) + 1);
      }
      done += 1;
      onDone(done);
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const { user, system } = process.cpuUsage(cpu0);
  agent.destroy();
  latencies.sort((a, b) => a - b);
  for (const l of byFlow) l.sort((a, b) => a - b);
  return { total, done, ok: latencies.length, errors, seconds, latencies, byFlow, driverCpuMs: (user + system) / 1000 };
}

const ms = (v) => `${v.toFixed(1)} ms`;
const mib = (kib) => `${(kib / 1024).toFixed(1)} MiB`;

function report(label, r) {
  const l = r.latencies;
  const errorCount = r.total - r.ok;
  console.log(`${label}: ${r.ok}/${r.total} ok in ${r.seconds.toFixed(1)} s = ${(r.ok / r.seconds).toFixed(1)} logins/s`);
  console.log(`  latency p50 ${ms(percentile(l, 50))}  p90 ${ms(percentile(l, 90))}  p99 ${ms(percentile(l, 99))}  max ${ms(l.at(-1) ?? NaN)}`);
  console.log(`  driver (this client) CPU ${(r.driverCpuMs / Math.max(1, r.ok)).toFixed(3)} ms per login`);
  console.log(`  errors: ${errorCount}${errorCount ? ` (${[...r.errors].map(([k, n]) => `${k}: ${n}`).join('; ')})` : ''}`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const mixed = opts.mode === 'mixed';
  const withApp = opts.mode !== 'provider';
  const withProvider = opts.mode === 'provider' || opts.mode === 'both';
  const app = `http://127.0.0.1:${opts.appPort}`;
  const issuer = `http://127.0.0.1:${opts.providerPort}`;
  const redirectUri = `${app}/api/oauth/redirect`;
  const baselineRedirect = 'http://127.0.0.1:9/baseline';
  const serverBin = process.env.PORTE_SERVER_BIN;
  if (withApp && !serverBin) fail('PORTE_SERVER_BIN is not set (run through scripts/load)');
  const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  /** Milliseconds of CPU per call: `ticks` of process CPU time spread over `n` calls. */
  const msEach = (ticks, n) => (1000 * ticks) / ticksPerSecond / Math.max(1, n);

  tmp = mkdtempSync(path.join(os.tmpdir(), 'porte-load-'));
  await ensureFree(opts.providerPort);
  if (withApp) await ensureFree(opts.appPort);
  const floorUrl = `http://127.0.0.1:${opts.floorPort}`;
  if (opts.floor) {
    if (!process.env.PORTE_FLOOR_BIN) fail('--floor needs PORTE_FLOOR_BIN (run through scripts/load)');
    await ensureFree(opts.floorPort);
  }

  const { file: clientsFile, client } = writeClients(tmp, [redirectUri, baselineRedirect, `${floorUrl}/cb`]);
  const expectSub = JSON.parse(readFileSync(path.join(end2end, 'provider/users.json'), 'utf8'))[0].sub;
  const scopes = 'openid profile email groups';
  const loginsTotal = (withApp ? opts.logins : 0) + (withProvider ? opts.providerLogins : 0);
  // About 8 entries per login (session, interactions, grant, code, tokens): never evict.
  const storeSize = Math.max(50_000, 10 * loginsTotal);
  const { provider, discovery } = await startProvider({ dir: tmp, port: opts.providerPort, clientsFile, storeSize });
  const server = withApp
    ? await startServer({ dir: tmp, port: opts.appPort, issuer, client, scopes, secret: 'load-test-only-app-secret-0123456789abcdef' })
    : undefined;
  const floor = opts.floor ? await startFloor({ dir: tmp, port: opts.floorPort, issuer, client, scopes }) : undefined;
  const ctx = { app, redirectUri, expectSub, discovery, client, baselineRedirect, scopes, floor: floorUrl };
  console.log(`load: provider pid ${provider.pid} on ${issuer}${server ? `, server pid ${server.pid} on ${app} (${serverBin})` : ''}; logs in ${tmp} (kept on failure)`);
  console.log(`load: mode ${opts.mode}, ${opts.logins} logins at concurrency ${opts.concurrency}; load average before: ${loadavg()}`);

  // Warm the provider's code paths up so neither phase pays for its JIT alone.
  const warm = await runPhase(Math.max(50, 2 * opts.concurrency), opts.concurrency, providerLogin, ctx);
  if (warm.ok !== warm.total) report('warm-up (provider alone, not counted)', warm);

  let failed = false;
  const results = {};
  if (withApp && !mixed) {
    const checkpoint = Math.min(1000, Math.ceil(opts.logins / 10));
    const every = Math.max(1, Math.ceil(opts.logins / 10));
    const samples = [];
    const rss0 = rssKiB(server.pid);
    const cpu0 = cpuTicks(server.pid);
    const providerCpu0 = cpuTicks(provider.pid);
    let rssCheckpoint;
    const t0 = performance.now();
    const r = await runPhase(opts.logins, opts.concurrency, appLogin, ctx, (done) => {
      if (server.exited) fail(`${server.exited} during the run`, server.log);
      if (done === checkpoint) rssCheckpoint = rssKiB(server.pid);
      if (done % every === 0 || done === opts.logins) {
        const rss = rssKiB(server.pid);
        samples.push(rss);
        console.log(`  ${String(done).padStart(6)} logins  ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s  server RSS ${mib(rss)}`);
      }
    });
    const cpu = cpuTicks(server.pid) - cpu0;
    const providerCpu = cpuTicks(provider.pid) - providerCpu0;
    const rssEnd = rssKiB(server.pid);
    results.app = r;
    report('app flow (start_login → provider → callback → restore_session)', r);
    console.log(`  server CPU: ${(cpu / ticksPerSecond).toFixed(2)} s = ${msEach(cpu, r.ok).toFixed(3)} ms per login (utime+stime, CLK_TCK ${ticksPerSecond}); provider CPU ${msEach(providerCpu, r.ok).toFixed(3)} ms per login`);
    const ratio = rssEnd / rssCheckpoint;
    const afterCheckpoint = samples.filter((_, i) => (i + 1) * every >= checkpoint);
    console.log(`  server RSS: at start ${mib(rss0)}, after ${checkpoint} logins ${mib(rssCheckpoint)}, at end ${mib(rssEnd)}: end/after-${checkpoint} = ${(100 * ratio).toFixed(1)} % (limit ${(100 * RSS_LIMIT).toFixed(0)} %); min/max from then on ${mib(Math.min(...afterCheckpoint))}/${mib(Math.max(...afterCheckpoint))}`);
    // RSS is still warming up during a short run; the issue's check is 1,000 logins into 10,000.
    if (ratio > RSS_LIMIT && opts.logins >= RSS_CHECK_FROM) { console.log('  FAIL: server RSS grew more than 10 %'); failed = true; }
    else if (ratio > RSS_LIMIT) console.log(`  (RSS limit checked from ${RSS_CHECK_FROM} logins on)`);
    // The CPU budget counts start + callback + user fetch; the driver's proof call is measured
    // on its own (restore_session again and again with one session) and taken out.
    const session = await appLogin({ ...ctx, agent: newAgent() });
    const restoreCpu0 = cpuTicks(server.pid);
    const restores = await runPhase(opts.restores, opts.concurrency, (c) => restoreSession(c, session.jar, session.sealed), ctx);
    const restoreMs = msEach(cpuTicks(server.pid) - restoreCpu0, restores.ok);
    const perLogin = msEach(cpu, r.ok);
    const loginWithoutRestoreMs = perLogin - restoreMs;
    // The provider's own CPU in the same logins: the CPU budget is a share of it, which holds
    // from one machine (or one day of a shared machine) to another where milliseconds do not.
    const providerMsPerLogin = msEach(providerCpu, r.ok);
    console.log(`  server CPU per restore_session alone: ${restoreMs.toFixed(3)} ms (${restores.ok} calls) → start + callback + user fetch: ${loginWithoutRestoreMs.toFixed(3)} ms per login, ${((100 * loginWithoutRestoreMs) / providerMsPerLogin).toFixed(1)} % of the provider's`);
    if (restores.ok !== restores.total) failed = true;
    results.server = { cpuMsPerLogin: perLogin, restoreMs, loginWithoutRestoreMs, providerMsPerLogin, rssCheckpointKiB: rssCheckpoint, rssEndKiB: rssEnd, rssRatio: ratio, checkpoint };
    if (floor) {
      // The same logins through the floor server: what the exchanges cost on these crates
      // without Porte, as a share of the provider's CPU in those logins.
      const floorCpu0 = cpuTicks(floor.pid);
      const floorProviderCpu0 = cpuTicks(provider.pid);
      const f = await runPhase(opts.logins, opts.concurrency, floorLogin, ctx);
      const floorMs = msEach(cpuTicks(floor.pid) - floorCpu0, f.ok);
      const floorProviderMs = msEach(cpuTicks(provider.pid) - floorProviderCpu0, f.ok);
      report('floor (end2end/bench/floor-server: start → provider → code exchange, ID token, userinfo)', f);
      console.log(`  floor server CPU ${floorMs.toFixed(3)} ms per login, ${((100 * floorMs) / floorProviderMs).toFixed(1)} % of the provider's ${floorProviderMs.toFixed(3)} ms; Porte's start + callback + user fetch: ${(loginWithoutRestoreMs / floorMs).toFixed(2)} × the floor`);
      results.server.floorMsPerLogin = floorMs;
      results.server.floorProviderMsPerLogin = floorProviderMs;
      if (f.ok !== f.total) failed = true;
    }
    if (r.ok !== r.total) failed = true;
    console.log(`  load average after: ${loadavg()}`);
  }
  if (withProvider) {
    const providerCpu0 = cpuTicks(provider.pid);
    const r = await runPhase(opts.providerLogins, opts.concurrency, providerLogin, ctx);
    const providerCpu = cpuTicks(provider.pid) - providerCpu0;
    results.provider = r;
    report('provider alone (authorize → own redirect_uri → token → userinfo)', r);
    console.log(`  provider CPU ${msEach(providerCpu, r.ok).toFixed(3)} ms per login; load average after: ${loadavg()}`);
    if (r.ok !== r.total) failed = true;
  }
  if (mixed) {
    // Both flows in one phase, alternating in every slot: they share the machine's state, so the
    // difference is what Porte adds (its hops and work), not a difference between two runs.
    const cpu0 = cpuTicks(server.pid);
    const r = await runPhase(opts.logins, opts.concurrency, [appLogin, providerLogin], ctx);
    const cpu = cpuTicks(server.pid) - cpu0;
    const [appL, providerL] = r.byFlow;
    results.app = { ...r, ok: appL.length, total: Math.ceil(r.total / 2), latencies: appL };
    results.provider = { ...r, ok: providerL.length, total: Math.floor(r.total / 2), latencies: providerL };
    report('mixed: app flow', results.app);
    report('mixed: provider alone', results.provider);
    results.server = { cpuMsPerLogin: msEach(cpu, appL.length) };
    console.log(`  server CPU ${results.server.cpuMsPerLogin.toFixed(3)} ms per app login; load average after: ${loadavg()}`);
    if (r.ok !== r.total) failed = true;
  }
  if (results.app && results.provider) {
    const a = results.app.latencies;
    const p = results.provider.latencies;
    console.log(`latency the app adds over the provider alone (concurrency ${opts.concurrency}): p50 ${ms(percentile(a, 50) - percentile(p, 50))}, p90 ${ms(percentile(a, 90) - percentile(p, 90))}, p99 ${ms(percentile(a, 99) - percentile(p, 99))}`);
  }
  if (opts.json) writeFileSync(opts.json, JSON.stringify(summary(results, opts)));
  const reproduce = ['scripts/load', '--logins', opts.logins, '--concurrency', opts.concurrency, '--mode', opts.mode];
  if (opts.mode === 'both' && opts.providerLogins !== opts.logins) reproduce.push('--provider-logins', opts.providerLogins);
  if (opts.appPort !== 3100) reproduce.push('--app-port', opts.appPort);
  if (opts.providerPort !== 4110) reproduce.push('--provider-port', opts.providerPort);
  if (opts.floor) reproduce.push('--floor');
  if (opts.floorPort !== 3300) reproduce.push('--floor-port', opts.floorPort);
  console.log(`machine: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), node ${process.version}`);
  console.log(`reproduce: ${reproduce.join(' ')}`);
  console.log(failed ? `load: FAILED (logs kept in ${tmp})` : 'load: passed');
  killChildren();
  if (!failed) rmSync(tmp, { recursive: true, force: true });
  process.exit(failed ? 1 : 0);
}

/** The figures scripts/bench puts in its table. */
function summary(results, opts) {
  const phase = (r) => r && {
    ok: r.ok, total: r.total, perSecond: r.ok / r.seconds,
    p50: percentile(r.latencies, 50), p99: percentile(r.latencies, 99),
  };
  return { concurrency: opts.concurrency, app: phase(results.app), provider: phase(results.provider), server: results.server ?? null, loadavg: loadavg() };
}

main().catch((err) => (err instanceof ProcessError ? fail(err.message, err.log) : fail(err.stack ?? String(err))));

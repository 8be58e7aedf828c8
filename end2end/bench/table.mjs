// Prints scripts/bench's table: every budget beside the figure measured in this run, and beside
// the same figure for a base revision when scripts/bench measured one too (BENCH_BASE).
//   node bench/table.mjs <dir> [<base dir> <base revision>]
// Each dir holds page.json, c32.json, c1.json, rss.json, weight.json, session.json and, when
// valgrind was there, instructions.json.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [dir, baseDir, baseRev] = process.argv.slice(2);
const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const mi = (n) => `${(n / 1e6).toFixed(3)} M`;
const us = (x) => `${x.toFixed(x < 10 ? 2 : 1)} µs`;
const span = (r, f) => `${f(r.median)} (${f(r.range[0])}–${f(r.range[1])})`;
// Server CPU per login as a share of the provider's own in the same logins; null for a run that
// did not record the provider's (a base older than the share).
const cpuShare = (server) => (server.providerMsPerLogin ? server.loginWithoutRestoreMs / server.providerMsPerLogin : null);
/** `dir`'s `name`.json, or null when the run left none. */
const read = (dir, name) => {
  const file = path.join(dir, `${name}.json`);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
};

/** The table's rows for the figures in `dir`: [figure, budget, measured, within budget]. */
function rows(dir) {
  const [page, c32, c1, rss, weight, session, instructions] = ['page', 'c32', 'c1', 'rss', 'weight', 'session', 'instructions'].map((n) => read(dir, n));
  const share = rss && cpuShare(rss.server);
  // A figure whose run left nothing (e.g. a base revision without that benchmark) reads "—".
  const row = (what, budget, inputs, got, ok) => (inputs.every(Boolean) ? [what, budget, got(), ok()] : [what, budget, '—', null]);
  const logins = rss?.app.ok ?? 10000;
  return [
    row("Porte's weight in a page: examples/minimal minus the same page without Porte, wasm + JS, brotli", '≤ 60 KB', [weight],
      () => `${kb(weight.added)} (${kb(weight.withPorte.total)} with, ${kb(weight.without.total)} without)`, () => weight.added <= 60_000),
    row('server-side session check: open the seal, check the binding (release, mean / p99)', '≤ 20 µs', [session],
      () => `${us(session.seal_and_binding.mean_us)} / ${us(session.seal_and_binding.p99_us)}; the whole check (lifetimes, in-memory revocation store): ${us(session.memory_store.mean_us)} / ${us(session.memory_store.p99_us)}`,
      () => session.seal_and_binding.mean_us <= 20),
    row('revocation check with Redis on loopback, added per protected call, p99', '≤ 0.2 ms', [session?.redis_store],
      () => `${us(session.redis_store.p99_us - session.memory_store.p99_us)} (whole check with Redis: p50 ${us(session.redis_store.p50_us)}, p99 ${us(session.redis_store.p99_us)})`,
      () => session.redis_store.p99_us - session.memory_store.p99_us <= 200),
    row('login page, first load, compressed (median of 5)', '≤ 200 KB', [page], () => span(page.pageBytes, kb), () => page.pageBytes.median <= 200_000),
    row('navigation start → Login hydrated (median of 5)', '≤ 250 ms', [page], () => span(page.clickableMs, ms), () => page.clickableMs.median <= 250),
    // Issue 18's budget is a share of the provider's own CPU in the same logins (14 % → ≤ 7 %):
    // milliseconds move with the machine, the share does not. A run older than the share: ms only.
    row(`server CPU per login, start + callback + user fetch, as a share of the provider's own (${logins} logins, process CPU time)`, '≤ 7 %', [rss],
      () => `${share === null ? ms(rss.server.loginWithoutRestoreMs) : `${(100 * share).toFixed(1)} %: ${ms(rss.server.loginWithoutRestoreMs)} against the provider's ${ms(rss.server.providerMsPerLogin)}`} (${ms(rss.server.cpuMsPerLogin)} with the driver's restore_session, which alone is ${ms(rss.server.restoreMs)})`,
      () => (share === null ? null : share <= 0.07)),
    // The floor (end2end/bench/floor-server) does the same login's exchanges on the same crates
    // without Porte; it alone is about 8 % of the provider's CPU here, above the 7 % budget. What
    // Porte adds is its own work: this row watches that part.
    row(`server CPU per login against the floor: the same logins through a server that only exchanges the code, checks the ID token and fetches userinfo (end2end/bench/floor-server)`, '≤ 1.5 ×', [rss?.server.floorMsPerLogin],
      () => `${(rss.server.loginWithoutRestoreMs / rss.server.floorMsPerLogin).toFixed(2)} ×: ${ms(rss.server.loginWithoutRestoreMs)} against the floor's ${ms(rss.server.floorMsPerLogin)}, which is ${(100 * rss.server.floorMsPerLogin / rss.server.floorProviderMsPerLogin).toFixed(1)} % of the provider's ${ms(rss.server.floorProviderMsPerLogin)}`,
      () => rss.server.loginWithoutRestoreMs <= 1.5 * rss.server.floorMsPerLogin),
    // The row above, counted instead of timed (scripts/instructions): steady enough to show a
    // change of a few percent, which the CPU time of one run hides.
    row('instructions per login against the floor: the same comparison, counted under callgrind (concurrency 4, start + callback + user fetch)', '≤ 1.5 ×', [instructions],
      () => `${(instructions.login / instructions.floor).toFixed(2)} ×: ${mi(instructions.login)} against the floor's ${mi(instructions.floor)} (${mi(instructions.withRestore)} with the driver's restore_session)`,
      () => instructions.login <= 1.5 * instructions.floor),
    row('latency added over the provider alone, p99, concurrency 32', '≤ 5 ms', [c32, c1],
      () => `${ms(c32.app.p99 - c32.provider.p99)} (app p99 ${ms(c32.app.p99)}, provider alone p99 ${ms(c32.provider.p99)}); at concurrency 1: ${ms(c1.app.p99 - c1.provider.p99)}`,
      () => c32.app.p99 - c32.provider.p99 <= 5),
    row('click Login → signed in, popup (median of 5)', '≤ alone + 100 ms', [page],
      () => `${span(page.porteLoginMs, ms)}; alone ${span(page.aloneLoginMs, ms)}`, () => page.porteLoginMs.median <= page.aloneLoginMs.median + 100),
    row(`server RSS across ${logins} logins (after ${rss?.server.checkpoint} → end)`, 'flat ± 10 %', [rss],
      () => `${(rss.server.rssCheckpointKiB / 1024).toFixed(1)} → ${(rss.server.rssEndKiB / 1024).toFixed(1)} MiB = ${(100 * rss.server.rssRatio).toFixed(1)} %`,
      () => Math.abs(rss.server.rssRatio - 1) <= 0.1),
  ];
}

const verdict = (ok) => (ok === null ? '' : ok ? 'within' : 'OVER');
const mine = rows(dir);
const base = baseDir ? rows(baseDir) : null;
if (base) {
  console.log(`\n| figure | budget | measured | ${baseRev}, same run | |\n|---|---|---|---|---|`);
  mine.forEach(([what, budget, got, ok], i) => console.log(`| ${what} | ${budget} | ${got} | ${base[i][2]} | ${verdict(ok)} |`));
} else {
  console.log('\n| figure | budget | measured | |\n|---|---|---|---|');
  for (const [what, budget, got, ok] of mine) console.log(`| ${what} | ${budget} | ${got} | ${verdict(ok)} |`);
}
const loadavg = ['c32', 'c1', 'rss'].map((n) => read(dir, n)?.loadavg);
console.log(`\nencodings served: ${JSON.stringify(read(dir, 'page')?.encodings)}`);
console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (after this tree's load runs: ${loadavg.join('; ')})`);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`);
console.log(`reproduce: ${baseRev ? `BENCH_BASE=${baseRev} ` : ''}scripts/bench`);

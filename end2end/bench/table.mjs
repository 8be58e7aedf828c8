// Prints scripts/bench's table: every budget beside the figure measured in this run.
//   node bench/table.mjs <dir with page.json, c32.json, c1.json, rss.json, weight.json, session.json>
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = process.argv[2];
const read = (name) => JSON.parse(readFileSync(path.join(dir, name), 'utf8'));
const page = read('page.json');
const c32 = read('c32.json');
const c1 = read('c1.json');
const rss = read('rss.json');
const weight = read('weight.json');
const session = read('session.json');

const kb = (b) => `${(b / 1000).toFixed(1)} KB`;
const ms = (x) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;
const span = (r, f) => `${f(r.median)} (${f(r.range[0])}–${f(r.range[1])})`;
const added = c32.app.p99 - c32.provider.p99;
const added1 = c1.app.p99 - c1.provider.p99;
const us = (x) => `${x.toFixed(x < 10 ? 2 : 1)} µs`;
const redisAdded = session.redis_store ? session.redis_store.p99_us - session.memory_store.p99_us : NaN;
const rows = [
  ["Porte's weight in a page: examples/minimal minus the same page without Porte, wasm + JS, brotli", '≤ 60 KB',
    `${kb(weight.added)} (${kb(weight.withPorte.total)} with, ${kb(weight.without.total)} without)`, weight.added <= 60_000],
  ['server-side session check: open the seal, check the binding (release, mean / p99)', '≤ 20 µs',
    `${us(session.seal_and_binding.mean_us)} / ${us(session.seal_and_binding.p99_us)}; the whole check (lifetimes, in-memory revocation store): ${us(session.memory_store.mean_us)} / ${us(session.memory_store.p99_us)}`,
    session.seal_and_binding.mean_us <= 20],
  ['revocation check with Redis on loopback, added per protected call, p99', '≤ 0.2 ms',
    `${us(redisAdded)} (whole check with Redis: p50 ${us(session.redis_store?.p50_us ?? NaN)}, p99 ${us(session.redis_store?.p99_us ?? NaN)})`,
    redisAdded <= 200],
  ['login page, first load, compressed (median of 5)', '≤ 200 KB', span(page.pageBytes, kb), page.pageBytes.median <= 200_000],
  ['navigation start → Login hydrated (median of 5)', '≤ 250 ms', span(page.clickableMs, ms), page.clickableMs.median <= 250],
  [`server CPU per login, start + callback + user fetch (${rss.app.ok} logins, process CPU time)`, '≤ 0.35 ms',
    `${ms(rss.server.loginWithoutRestoreMs)} (${ms(rss.server.cpuMsPerLogin)} with the driver's restore_session, which alone is ${ms(rss.server.restoreMs)})`,
    rss.server.loginWithoutRestoreMs <= 0.35],
  ['latency added over the provider alone, p99, concurrency 32', '≤ 5 ms',
    `${ms(added)} (app p99 ${ms(c32.app.p99)}, provider alone p99 ${ms(c32.provider.p99)}); at concurrency 1: ${ms(added1)}`, added <= 5],
  ['click Login → signed in, popup (median of 5)', `≤ alone + 100 ms`,
    `${span(page.porteLoginMs, ms)}; alone ${span(page.aloneLoginMs, ms)}`, page.porteLoginMs.median <= page.aloneLoginMs.median + 100],
  [`server RSS across ${rss.app.ok} logins (after ${rss.server.checkpoint} → end)`, 'flat ± 10 %',
    `${(rss.server.rssCheckpointKiB / 1024).toFixed(1)} → ${(rss.server.rssEndKiB / 1024).toFixed(1)} MiB = ${(100 * rss.server.rssRatio).toFixed(1)} %`,
    Math.abs(rss.server.rssRatio - 1) <= 0.1],
];
console.log('\n| figure | budget | measured | |\n|---|---|---|---|');
for (const [what, budget, got, ok] of rows) console.log(`| ${what} | ${budget} | ${got} | ${ok ? 'within' : 'OVER'} |`);
console.log(`\nencodings served: ${JSON.stringify(page.encodings)}`);
console.log(`load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} (after the load runs: ${c32.loadavg}; ${c1.loadavg}; ${rss.loadavg})`);
console.log(`machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, node ${process.version}`);
console.log('reproduce: scripts/bench');

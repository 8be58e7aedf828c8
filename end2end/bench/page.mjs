// Browser benchmarks in headless Chromium (Playwright as a library, fresh context per run):
//   - login page weight: every byte transferred on first load (HTML, JS, wasm, CSS, icons),
//     as the network reports it (compressed, with headers), and what Chromium was sent;
//   - time to clickable: navigation start → the wasm has hydrated the page (the Login button
//     works), from the page's own clock;
//   - click Login → signed-in view (popup, auto-approving provider), for Porte and for the
//     trivial client of trivial-client.mjs (the provider-alone baseline).
// Prints a line per run and, last, one JSON line for scripts/bench. Run through scripts/bench.
import { chromium } from '@playwright/test';
import { origin, ports, startProviderAndApp, stopAll } from './servers.mjs';
import { serveTrivialClient } from './trivial-client.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const range = (xs) => [Math.min(...xs), Math.max(...xs)];

async function pageLoad(browser) {
  const context = await browser.newContext();
  // The moment the wasm marks the body hydrated, on the page's clock (0 = navigation start).
  await context.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.body?.dataset.hydrated === 'true') {
        window.__hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const urls = new Map();
  const encodings = {};
  let bytes = 0;
  cdp.on('Network.responseReceived', (e) => {
    urls.set(e.requestId, e.response.url);
    const enc = e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'];
    encodings[new URL(e.response.url).pathname.replace(/\.[\w-]{16,}\./, '.')] = enc ?? 'identity';
  });
  cdp.on('Network.loadingFinished', (e) => { bytes += e.encodedDataLength; });
  await page.goto(`${origin(ports.app)}/`);
  await page.waitForFunction(() => window.__hydratedAt !== undefined);
  await page.getByRole('button', { name: 'Continue with Local' }).waitFor();
  await page.waitForLoadState('networkidle');
  const hydratedAt = await page.evaluate(() => window.__hydratedAt);
  await context.close();
  return { bytes, hydratedAt, encodings, requests: urls.size };
}

async function clickToSignedIn(browser, url, click, signedIn) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForLoadState('networkidle');
  const t0 = performance.now();
  await click(page);
  await signedIn(page);
  const ms = performance.now() - t0;
  await context.close();
  return ms;
}

async function main() {
  const trivialClient = await startProviderAndApp();
  const trivial = await serveTrivialClient(ports.trivial, origin(ports.provider), trivialClient);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ARGS });
  try {
    const loads = [];
    for (let i = 0; i < RUNS; i += 1) {
      const r = await pageLoad(browser);
      loads.push(r);
      console.log(`page load ${i + 1}: ${r.bytes} B transferred in ${r.requests} responses, hydrated at ${r.hydratedAt.toFixed(0)} ms`);
    }
    console.log(`content-encoding served: ${JSON.stringify(loads[0].encodings)}`);
    const porte = [];
    const alone = [];
    for (let i = 0; i < RUNS; i += 1) {
      porte.push(await clickToSignedIn(browser, `${origin(ports.app)}/`,
        (p) => p.getByRole('button', { name: 'Continue with Local' }).click(),
        (p) => p.getByRole('heading', { name: /^Signed in as / }).waitFor()));
      alone.push(await clickToSignedIn(browser, `${origin(ports.trivial)}/`,
        (p) => p.getByRole('button', { name: 'Login' }).click(),
        (p) => p.getByText(/^Signed in as /).waitFor()));
      console.log(`click → signed in ${i + 1}: Porte ${porte[i].toFixed(0)} ms, provider alone (trivial client) ${alone[i].toFixed(0)} ms`);
    }
    console.log(JSON.stringify({
      pageBytes: { median: median(loads.map((l) => l.bytes)), range: range(loads.map((l) => l.bytes)) },
      clickableMs: { median: median(loads.map((l) => l.hydratedAt)), range: range(loads.map((l) => l.hydratedAt)) },
      encodings: loads[0].encodings,
      porteLoginMs: { median: median(porte), range: range(porte) },
      aloneLoginMs: { median: median(alone), range: range(alone) },
    }));
  } finally {
    await browser.close();
    trivial.close();
    await stopAll();
  }
}

main().catch(async (e) => {
  console.error(`bench: ${e.stack ?? e}`);
  await stopAll();
  process.exit(1);
});

// Shared helpers of the browser tests: Debian's chromium, the server under test, axe-core.
//
// The server is started by scripts/e2e.sh, which passes its address as WATWERKT_URL; tests never
// start one themselves, so that one build and one server serve the whole suite.

import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const BASE = (process.env.WATWERKT_URL ?? '').replace(/\/$/, '');
if (!BASE) {
  throw new Error('WATWERKT_URL is not set: run the suite with scripts/e2e.sh');
}

/** A project of the bundled catalogue (data/seeds/001_…): "ZonMw Projectnummer: 535006006". */
export const PROJECT = '535006006';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Launches Debian's chromium; playwright's own browser downloads are never used. */
export function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * A new page that records problems: console errors (the site has no scripts, so any means a CSP
 * violation) and failed or erroring subresources. Documents may answer 404 or 400 on purpose.
 */
export async function newPage(browser, options = {}) {
  const context = await browser.newContext({ locale: 'nl-NL', ...options });
  const page = await context.newPage();
  page.problems = [];
  const subresource = (r) => r.resourceType() !== 'document';
  page.on('console', (m) => {
    // The status of a resource is checked below, with its URL.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) {
      page.problems.push(`console: ${m.text()}`);
    }
  });
  page.on('pageerror', (e) => page.problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (subresource(r.request()) && r.status() >= 400) page.problems.push(`${r.status()} for ${r.url()}`);
  });
  page.on('requestfailed', (r) => {
    // A navigation cut short by the next one is not a fault of the site, nor is a suggestion
    // request the browser drops because the user submitted the form meanwhile.
    const dropped = r.resourceType() === 'fetch' && r.failure()?.errorText === 'net::ERR_ABORTED';
    if (subresource(r) && !dropped) {
      page.problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    }
  });
  return page;
}

/** Closes the browser, then fails if the page met a problem on the way. */
export async function finish(browser, page) {
  const problems = page?.problems ?? [];
  await browser?.close();
  if (problems.length) {
    throw new Error(`console errors or failed requests:\n${problems.join('\n')}`);
  }
}

/** Opens `path` on the server and returns the response. */
export function open(page, path) {
  return page.goto(BASE + path, { waitUntil: 'load' });
}

/** The axe rule tags of WCAG 2.1 A and AA, the level the brief asks for. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** Runs axe on the page; returns violations as readable lines (empty when clean). */
export async function axeViolations(page) {
  const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
  return results.violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').join(' ')}`).join('\n'),
  );
}

/**
 * Finds a same-site link whose path starts with `prefix` on the pages at `paths`, or null when the
 * site has none: page types that are still being built are tested once the site links to them.
 */
export async function findLink(page, paths, prefix) {
  for (const p of paths) {
    const res = await open(page, p);
    if (!res?.ok()) continue;
    const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
    const hit = hrefs.find((h) => h.startsWith(prefix) || h.startsWith(BASE + prefix));
    if (hit) return hit.startsWith(BASE) ? hit.slice(BASE.length) : hit;
  }
  return null;
}

/** Whether the document is wider than the viewport (a horizontal scroll bar). */
export function scrollsSideways(page) {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

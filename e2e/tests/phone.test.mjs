// Phone width (375×667): no page scrolls sideways, and searching works.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PROJECT, axeViolations, findLink, finish, launch, newPage, open, scrollsSideways } from '../lib.mjs';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser, { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
});
after(() => finish(browser, page));

test('pages fit the width of a phone and pass axe there', async () => {
  const paths = ['/', '/zoeken?q=schulden', `/project/${PROJECT}`, '/statistieken', '/wat-werkt', '/bestaat-niet'];
  for (const prefix of ['/thema/', '/organisatie/', '/gemeente/', '/programma', '/kaart', '/vraagbaak']) {
    const link = await findLink(page, ['/', `/project/${PROJECT}`], prefix);
    if (link) paths.push(link);
  }
  const wide = [];
  const violations = [];
  for (const p of paths) {
    await open(page, p);
    if (await scrollsSideways(page)) {
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      wide.push(`${p} is ${w}px wide`);
    }
    // Narrow layouts bring their own faults: tables that scroll must be reachable by keyboard.
    violations.push(...(await axeViolations(page)).map((v) => `${p}: ${v}`));
  }
  assert.deepEqual(wide, [], 'no horizontal scroll at 375px');
  assert.deepEqual(violations, [], `axe at 375px:\n${violations.join('\n')}`);
});

test('searching works on a phone', async () => {
  await open(page, '/');
  await page.getByRole('searchbox').tap();
  await page.getByRole('searchbox').fill('jongeren');
  await page.getByRole('button', { name: 'Zoeken' }).tap();
  await page.waitForURL(/\/zoeken\?q=jongeren$/);
  assert.ok((await page.locator('ol.hits > li').count()) > 0);
  assert.ok(await page.locator('ol.hits > li > a').first().isVisible());
});

// The map (/kaart): dots with names for assistive technology, and the table as the alternative
// that names every municipality, former ones included. Checked once the site links to the map.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { findLink, finish, launch, newPage, open } from '../lib.mjs';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser);
});
after(() => finish(browser, page));

test('the map draws named dots and lists every municipality in a table', async (t) => {
  const link = await findLink(page, ['/', '/statistieken'], '/kaart');
  if (!link) {
    t.skip('no link to /kaart yet');
    return;
  }
  const res = await open(page, link);
  assert.equal(res.status(), 200);
  const svg = page.locator('main svg').first();
  assert.ok(await svg.isVisible(), 'the map is drawn');
  const titles = await svg.locator('circle > title').allTextContents();
  assert.ok(titles.length > 10, `dots for the catalogue's municipalities (${titles.length})`);
  assert.ok(titles.every((t) => /\d+ project/.test(t)), 'every dot says how many projects it stands for');
  assert.equal(await page.locator('main svg [style]').count(), 0, 'no inline styles (CSP)');
  // Geldermalsen, a project's municipality merged into West Betuwe in 2019: its own row in the
  // table, and its projects on West Betuwe's dot.
  const table = page.locator('main table');
  assert.ok((await table.count()) > 0, 'a table is the text alternative');
  assert.ok((await table.first().innerText()).includes('Geldermalsen'));
  assert.ok(titles.some((t) => t.startsWith('West Betuwe') && t.includes('Geldermalsen')));
});

// Searching, filtering by a facet, opening a project and going back, as a visitor with a mouse.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, finish, launch, newPage, open } from '../lib.mjs';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser);
});
after(() => finish(browser, page));

/** "12 projecten gevonden" → 12 */
async function total() {
  const text = await page.locator('#resultaten').innerText();
  const m = /^(\d+) projecten gevonden/.exec(text);
  assert.ok(m, `result heading ${JSON.stringify(text)}`);
  return Number(m[1]);
}

const themeBoxes = () => page.getByRole('group', { name: 'Programmalijn' }).getByRole('checkbox');

test('a query typed on the home page lists results with highlighted snippets', async () => {
  await open(page, '/');
  await page.getByRole('searchbox').fill('schulden');
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await page.waitForURL(/\/zoeken\?q=schulden$/);
  assert.ok((await total()) > 0, 'schulden finds projects');
  const hits = page.locator('ol.hits > li');
  assert.ok((await hits.count()) > 0);
  assert.ok((await page.locator('ol.hits mark').count()) > 0, 'snippets mark the query words');
  const marked = (await page.locator('ol.hits mark').allInnerTexts()).map((t) => t.toLowerCase());
  assert.ok(marked.some((t) => t.startsWith('schuld')), `marked words: ${marked.join(', ')}`);
  assert.equal(await page.getByRole('searchbox').inputValue(), 'schulden', 'the query stays in the box');
});

test('a facet checkbox filters, shows a chip, and the chip removes the filter', async () => {
  await open(page, '/zoeken?q=schulden');
  const before = await total();
  const box = themeBoxes().first();
  const label = await page.locator(`label[for="${await box.getAttribute('id')}"]`).innerText();
  const [, theme, count] = /^(.*) \((\d+)\)$/.exec(label);
  await box.check();
  await page.getByRole('button', { name: 'Toepassen' }).click();
  await page.waitForURL(/f=theme/);
  assert.equal(await total(), Number(count), `the count beside "${theme}" is the number of results`);
  assert.ok(Number(count) <= before);
  assert.ok(await themeBoxes().first().isChecked(), 'the checkbox stays checked');
  const chip = page.locator('.chips a', { hasText: `Programmalijn: ${theme}` });
  assert.equal(await chip.count(), 1, 'a chip names the active filter');

  await chip.click();
  await page.waitForURL((u) => !u.search.includes('f='));
  assert.equal(await total(), before, 'removing the chip restores the results');
  assert.equal(await page.locator('.chips a').count(), 0);
  assert.equal(await page.locator('input[type=checkbox]:checked').count(), 0);
});

test('a project opens from the results and Back restores the search state', async () => {
  await open(page, '/zoeken?q=schulden');
  await themeBoxes().first().check();
  await page.getByRole('button', { name: 'Toepassen' }).click();
  await page.waitForURL(/f=theme/);
  const searchUrl = page.url();
  const checkedId = await page.locator('input[type=checkbox]:checked').first().getAttribute('id');

  const first = page.locator('ol.hits > li > a').first();
  const title = (await first.innerText()).trim();
  await first.click();
  await page.waitForURL(/\/project\/\d+$/);
  assert.equal((await page.locator('h1').innerText()).trim(), title, 'the project page shows the clicked title');

  await page.goBack();
  await page.waitForURL(searchUrl);
  assert.equal(page.url(), searchUrl, 'the URL keeps query and filter');
  assert.equal(await page.getByRole('searchbox').inputValue(), 'schulden');
  assert.ok(await page.locator(`#${checkedId}`).isChecked(), 'the filter checkbox is still checked');
  assert.equal(await page.locator('input[type=checkbox]:checked').count(), 1);
});

test('an unknown address answers 404 with a page that leads on', async () => {
  const res = await open(page, '/bestaat-niet');
  assert.equal(res.status(), 404);
  assert.equal(await page.locator('h1').innerText(), 'Pagina niet gevonden');
  await page.getByRole('link', { name: 'zoek een project' }).click();
  await page.waitForURL(`${BASE}/zoeken`);
});

// The site works without JavaScript: search and filters are plain links and GET forms.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { finish, launch, newPage, open } from '../lib.mjs';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser, { javaScriptEnabled: false });
});
after(() => finish(browser, page));

test('search and filters work with JavaScript off', async () => {
  await open(page, '/');
  await page.getByRole('searchbox').fill('werk');
  await page.getByRole('searchbox').press('Enter');
  await page.waitForURL(/\/zoeken\?q=werk$/);
  const heading = () => page.locator('#resultaten').innerText();
  const all = Number(/^\d+/.exec(await heading())[0]);
  assert.ok(all > 0);

  const status = page.getByRole('group', { name: 'Status' }).getByRole('checkbox').first();
  const label = await page.locator(`label[for="${await status.getAttribute('id')}"]`).innerText();
  const count = Number(/\((\d+)\)$/.exec(label)[1]);
  await status.check();
  await page.getByRole('button', { name: 'Toepassen' }).click();
  await page.waitForURL(/f=status/);
  assert.equal(Number(/^\d+/.exec(await heading())[0]), count);

  await page.locator('.chips a').first().click();
  await page.waitForURL((u) => !u.search.includes('f='));
  assert.equal(Number(/^\d+/.exec(await heading())[0]), all);

  await page.locator('ol.hits > li > a').first().click();
  await page.waitForURL(/\/project\/\d+$/);
});

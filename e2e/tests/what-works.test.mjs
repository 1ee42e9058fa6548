// "Wat werkt voor wie" (/wat-werkt): the evidence gap map is a real table that scrolls inside its
// own region on a phone, never the page, and prints whole without the filter form.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { finish, launch, newPage, open, scrollsSideways } from '../lib.mjs';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser, { viewport: { width: 375, height: 667 } });
});
after(() => finish(browser, page));

test('on a phone the table scrolls inside its labelled region', async () => {
  const res = await open(page, '/wat-werkt');
  assert.equal(res.status(), 200);
  assert.equal(await scrollsSideways(page), false, 'the page itself does not scroll sideways');
  const region = page.getByRole('region', { name: /doelgroep/i });
  assert.equal(await region.getAttribute('tabindex'), '0');
  const { scroll, client } = await region.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
  assert.ok(scroll > client, `the table is wider than the phone and scrolls in its region (${scroll} > ${client})`);
  assert.ok((await page.locator('main table th[scope=row]').count()) > 10, 'row headers per target group');
});

test('printed, the filters go and the whole table shows', async () => {
  await open(page, '/wat-werkt');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('form.gap-filters').isVisible(), false);
  const overflow = await page.locator('.gap-scroll').evaluate((el) => getComputedStyle(el).overflowX);
  assert.equal(overflow, 'visible', 'nothing is cut off behind a scroll bar on paper');
  await page.emulateMedia({ media: 'screen' });
});

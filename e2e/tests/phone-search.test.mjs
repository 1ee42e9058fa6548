// The search page on a phone (390×844): the result count and the first hits fill the first
// screen, the filters come after them folded in a <details>, and open from its summary, with
// JavaScript off too. On a wide screen the same filters stay unfolded beside the results.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { axeViolations, finish, launch, newPage, open } from '../lib.mjs';

const WIDTH = 390;
const HEIGHT = 844;

const PHONE = { viewport: { width: WIDTH, height: HEIGHT }, isMobile: true, hasTouch: true };

let browser;
let page;
before(async () => {
  browser = await launch();
  // Scripts on: axe runs in the page. The test without them is below.
  page = await newPage(browser, PHONE);
});
after(() => finish(browser, page));

const summary = () => page.locator('details.filters > summary');
const themes = () => page.getByRole('group', { name: 'Programmalijn' });

test('the first hit comes before the filters, which open from their summary', async () => {
  await open(page, '/zoeken?q=schulden');
  const count = await page.locator('#resultaten').boundingBox();
  const hit = page.locator('ol.hits > li').first();
  assert.ok(await hit.isVisible(), 'a first hit');
  const hitBox = await hit.boundingBox();
  assert.ok(count.y < hitBox.y, 'the count heads the hits');
  assert.ok(hitBox.y < HEIGHT, `the first hit starts on the first screen (at ${hitBox.y}px)`);
  assert.equal(await themes().isVisible(), false, 'the filters are folded');
  const summaryBox = await summary().boundingBox();
  assert.ok(hitBox.y < summaryBox.y, 'the first hit is above the filters');
  const folded = await axeViolations(page);
  assert.deepEqual(folded, [], `filters folded: axe violations:\n${folded.join('\n')}`);

  // The link under the count leads down to them.
  await page.locator('.to-filters a').tap();
  await page.waitForURL(/#filters$/);
  assert.ok(await summary().isVisible());

  await summary().tap();
  assert.ok(await themes().isVisible(), 'the summary unfolds the filters');
  const themesBox = await themes().boundingBox();
  assert.ok(hitBox.y < themesBox.y, 'unfolded, they still follow the results');
  const unfolded = await axeViolations(page);
  assert.deepEqual(unfolded, [], `filters unfolded: axe violations:\n${unfolded.join('\n')}`);

  // Filtering works from there, and the summary says how many filters are on.
  await themes().getByRole('checkbox').first().check();
  await page.getByRole('button', { name: 'Toepassen' }).tap();
  await page.waitForURL(/f=theme/);
  assert.match(await summary().innerText(), /^Filters \(1 actief\)$/);
  assert.equal(await themes().isVisible(), false, 'folded again after applying');
  assert.ok(await page.locator('ol.hits > li').first().isVisible());
});

test('the summary unfolds the filters with JavaScript off', async () => {
  const nojs = await newPage(browser, { ...PHONE, javaScriptEnabled: false });
  try {
    await open(nojs, '/zoeken?q=schulden');
    const group = nojs.getByRole('group', { name: 'Programmalijn' });
    assert.equal(await group.isVisible(), false);
    await nojs.locator('details.filters > summary').tap();
    assert.ok(await group.isVisible());
    assert.deepEqual(nojs.problems, []);
  } finally {
    await nojs.context().close();
  }
});

test('on a wide screen the filters stay unfolded beside the results', async () => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await open(page, '/zoeken?q=schulden');
  assert.ok(await themes().isVisible(), 'unfolded without a click');
  assert.equal(await summary().isVisible(), false, 'no summary to click');
  assert.equal(await page.locator('.to-filters').isVisible(), false);
  const filters = await themes().boundingBox();
  const hit = await page.locator('ol.hits > li').first().boundingBox();
  assert.ok(filters.x + filters.width <= hit.x, 'the filters stand left of the results');
});

// Keyboard only: the skip link, searching, filtering and opening a result without a mouse, and
// reaching the evidence gap map's cells, with a visible focus indicator at every stop.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { finish, launch, newPage, open } from '../lib.mjs';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser);
});
after(() => finish(browser, page));

/** What has focus: tag, id, text, whether it lies in <main>, and its outline. */
const focused = () =>
  page.evaluate(() => {
    const el = document.activeElement;
    const s = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      id: el.id,
      type: el.getAttribute('type'),
      text: (el.innerText ?? '').trim(),
      href: el.getAttribute('href'),
      role: el.getAttribute('role'),
      inMain: !!el.closest('main'),
      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
      boxShadow: s.boxShadow !== 'none',
    };
  });

/** Tabs until `match(focused)` holds; fails after `max` stops. Every stop must show its focus. */
async function tabTo(match, what, max = 80) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused();
    assert.ok(f.outline || f.boxShadow, `focus is visible on ${f.tag}#${f.id} ${f.text.slice(0, 40)}`);
    if (match(f)) return f;
  }
  assert.fail(`no ${what} within ${max} Tab stops`);
}

test('the skip link is the first Tab stop and leads into main', async () => {
  for (const path of ['/', '/zoeken?q=werk', '/project/535006006', '/statistieken', '/wat-werkt']) {
    await open(page, path);
    await page.keyboard.press('Tab');
    const f = await focused();
    assert.equal(f.href, '#inhoud', `${path}: first Tab stop is the skip link, got ${f.tag} ${f.text}`);
    assert.ok(f.outline, `${path}: the skip link shows focus`);
    assert.ok(await page.locator('a[href="#inhoud"]').isVisible(), `${path}: the focused skip link is visible`);
    assert.equal(await page.locator('main#inhoud').count(), 1);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const next = await focused();
    assert.ok(next.inMain, `${path}: after the skip link, Tab goes into main (got ${next.tag} ${next.text})`);
  }
});

test('search, filter and open a result with the keyboard alone', async () => {
  await open(page, '/');
  await tabTo((f) => f.tag === 'input' && f.type === 'search', 'search box');
  await page.keyboard.type('schulden');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/zoeken\?q=schulden$/);

  // The first facet checkbox: Space ticks it, Enter in the form applies it.
  const box = await tabTo((f) => f.tag === 'input' && f.type === 'checkbox', 'facet checkbox');
  await page.keyboard.press('Space');
  assert.ok(await page.locator(`#${box.id}`).isChecked());
  // Every facet value may come with links of its own: allow for many stops before the button.
  await tabTo((f) => f.tag === 'button' && /toepassen/i.test(f.text), 'apply button', 300);
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]f=/);
  assert.ok(await page.locator(`#${box.id}`).isChecked(), 'the filter is applied');

  const link = await tabTo((f) => f.tag === 'a' && /^\/project\//.test(f.href ?? ''), 'result link', 300);
  await page.keyboard.press('Enter');
  await page.waitForURL(new RegExp(`${link.href}$`));
  assert.equal((await page.locator('h1').innerText()).trim(), link.text);
});

test('the gap map: filters, the scrolling table and its cell links by keyboard', async () => {
  await open(page, '/wat-werkt');
  // The filters are a plain GET form: choose a status and apply it without a mouse.
  await tabTo((f) => f.tag === 'select' && f.id === 'status', 'status filter');
  await page.keyboard.press('ArrowDown');
  await tabTo((f) => f.tag === 'button' && /toepassen/i.test(f.text), 'apply button');
  await page.keyboard.press('Enter');
  await page.waitForURL(/[?&]status=lopend/);

  // The table's wrapper is a Tab stop of its own (it may scroll sideways), then the cells.
  await tabTo((f) => f.tag === 'div' && f.role === 'region', 'scrollable table region');
  const cell = await tabTo((f) => f.tag === 'a' && /^\/zoeken\?f=target_group/.test(f.href ?? ''), 'map cell link');
  const count = Number(/^\d+/.exec(cell.text)?.[0]);
  assert.ok(count > 0, `a cell link starts with its count: ${cell.text}`);
  assert.ok(cell.href.includes('f=status%3ALopend'), `the cell keeps the page's filter: ${cell.href}`);
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/zoeken\?f=target_group/);
  const heading = await page.locator('#resultaten').innerText();
  assert.equal(Number(/^\d+/.exec(heading)[0]), count, 'the cell counts what its search finds');
});

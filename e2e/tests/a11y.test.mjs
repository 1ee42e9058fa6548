// axe-core (WCAG 2.1 A and AA rules) on every page type: no violations allowed.
//
// Page types the site does not link to yet (/kaart, /thema/…, built on another branch) are
// skipped until it does; once linked they are checked, and a link that leads to an error fails.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PROJECT, axeViolations, findLink, finish, launch, newPage, open } from '../lib.mjs';

let browser;
let page;
before(async () => {
  browser = await launch();
  page = await newPage(browser);
});
after(() => finish(browser, page));

async function check(path, status = 200) {
  const res = await open(page, path);
  assert.equal(res.status(), status, `${path} answers ${status}`);
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${path}: axe violations:\n${violations.join('\n')}`);
}

// The page types on the site now.
test('home /', () => check('/'));
test('search results /zoeken?q=schulden', () => check('/zoeken?q=schulden'));
test('search with a filter and a chip', () => check('/zoeken?q=schulden&f=status%3AAfgerond'));
test('search without results', () => check('/zoeken?q=xyzzyqwv'));
test(`project /project/${PROJECT}`, () => check(`/project/${PROJECT}`));
test('statistics /statistieken', () => check('/statistieken'));
test('search with a label filter', () => check('/zoeken?f=target_group%3Astatushouders'));
test('search that also searched for a concept', () => check('/zoeken?q=mensen+met+een+beperking'));
test('what works for whom /wat-werkt', () => check('/wat-werkt'));
test('what works for whom, filtered', () => check('/wat-werkt?theme=re-integratie&status=afgerond'));
test('English what works /en/what-works', () => check('/en/what-works'));
test(`English project page with labels /en/project/${PROJECT}`, () => check(`/en/project/${PROJECT}`));
test('404 page', () => check('/bestaat-niet', 404));
test('400 page', () => check('/zoeken?page=0', 400));

// Page types being built: checked once the site links to them.
const LINKED = [
  ['theme page', '/thema/', ['/', `/project/${PROJECT}`]],
  ['organisation page', '/organisatie/', [`/project/${PROJECT}`, '/zoeken?q=schulden']],
  ['municipality page', '/gemeente/', [`/project/${PROJECT}`, '/zoeken?q=schulden']],
  ['programme /programma', '/programma', ['/']],
  ['map /kaart', '/kaart', ['/', '/statistieken']],
  ['questions /vraagbaak', '/vraagbaak', ['/']],
  ['English home /en', '/en', ['/']],
  ['English project page', '/en/project/', ['/en', `/en/project/${PROJECT}`, '/en/zoeken?q=debt']],
];
for (const [name, prefix, from] of LINKED) {
  test(name, async (t) => {
    const link = await findLink(page, from, prefix);
    if (!link) {
      t.skip(`no link to ${prefix} on ${from.join(', ')} yet`);
      return;
    }
    await check(link);
  });
}

// States that only a visitor's action brings about.
test('vraagbaak answer and its empty-question error', async (t) => {
  const link = await findLink(page, ['/'], '/vraagbaak');
  if (!link) {
    t.skip('no link to /vraagbaak yet');
    return;
  }
  await open(page, link);
  await page.locator('textarea').fill('Hoe helpen we jongeren met schulden aan werk?');
  await page.locator('main form button[type=submit]').click();
  await page.waitForLoadState('load');
  assert.equal(page.url().split('?')[0].endsWith('/vraagbaak'), true, page.url());
  const answered = await axeViolations(page);
  assert.deepEqual(answered, [], `vraagbaak answer: axe violations:\n${answered.join('\n')}`);

  await open(page, link);
  await page.locator('main form button[type=submit]').click();
  await page.waitForLoadState('load');
  const failed = await axeViolations(page);
  assert.deepEqual(failed, [], `vraagbaak error: axe violations:\n${failed.join('\n')}`);
});

test('search suggestions while typing', async (t) => {
  await open(page, '/');
  if ((await page.locator('script[src]').count()) === 0) {
    t.skip('the site has no suggestion script');
    return;
  }
  // The script lists suggestions as links after the box (ul.suggest), announced by a status.
  await page.getByRole('searchbox').pressSequentially('schu', { delay: 80 });
  await page.locator('ul.suggest a').first().waitFor({ timeout: 5000 });
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `suggestions open: axe violations:\n${violations.join('\n')}`);
});

// The back office in a real browser: an editor signs in with a password and a TOTP code
// (enrolled on the spot), edits a project, sees the public page and the search show the change
// at once, and restores the earlier revision. axe checks each back-office page type.
//
// scripts/e2e.sh creates the editor with `watwerkt user add` and passes the credentials.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { BASE, PROJECT, axeViolations, finish, launch, newPage, open } from '../lib.mjs';

const EMAIL = process.env.WATWERKT_EDITOR_EMAIL;
const PASSWORD = process.env.WATWERKT_EDITOR_PASSWORD;

/** RFC 6238 (SHA-1, 6 digits, 30 s) for a base32 seed, as an authenticator app computes it. */
function totp(seed, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of seed.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

let browser;
let page;
before(async () => {
  assert.ok(EMAIL && PASSWORD, 'scripts/e2e.sh sets WATWERKT_EDITOR_EMAIL and _PASSWORD');
  browser = await launch();
  page = await newPage(browser);
});
after(() => finish(browser, page));

async function axeClean(what) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `${what}: axe violations:\n${violations.join('\n')}`);
}

test('an editor signs in with a second factor, edits a project and restores it', async () => {
  await open(page, '/beheer');
  assert.equal(new URL(page.url()).pathname, '/beheer/inloggen', 'no session: the login page');
  await axeClean('login page');

  await page.getByLabel('E-mailadres').fill(EMAIL);
  await page.getByLabel('Wachtwoord').fill(PASSWORD);
  await page.getByRole('button', { name: 'Inloggen' }).click();
  await page.waitForURL(`${BASE}/beheer/tweede-stap`);
  await axeClean('second-factor enrolment');
  const seed = (await page.locator('#totp-geheim').textContent()).trim();
  await page.getByLabel('Code').fill(totp(seed));
  await page.getByRole('button', { name: 'Bevestigen' }).click();
  await page.waitForURL(`${BASE}/beheer`);
  await axeClean('dashboard');
  await open(page, '/beheer/projecten/nieuw');
  await axeClean('new project (draft) form');
  await open(page, '/beheer');

  await page.getByLabel(/Zoek een project/).fill(PROJECT);
  await page.getByRole('button', { name: 'Zoeken' }).click();
  await page.waitForURL(`${BASE}/beheer/projecten/${PROJECT}`);
  await axeClean('project editor');
  const original = await page.getByLabel('Titel', { exact: true }).inputValue();
  await page.getByLabel('Titel', { exact: true }).fill('Zeppelinvaart als re-integratie');
  await page.getByRole('button', { name: 'Opslaan' }).click();
  await page.waitForURL(/opgeslagen=2/);
  await page.getByText('Opgeslagen als revisie 2').waitFor();

  await open(page, `/project/${PROJECT}`);
  await page.getByRole('heading', { level: 1, name: 'Zeppelinvaart als re-integratie' }).waitFor();
  await open(page, '/zoeken?q=zeppelinvaart');
  assert.ok(await page.locator(`a[href="/project/${PROJECT}"]`).count(), 'search finds the edit');

  await open(page, `/beheer/projecten/${PROJECT}/revisies`);
  await axeClean('revisions');
  await page.getByRole('button', { name: 'Revisie 1 terugzetten' }).click();
  await page.waitForURL(/opgeslagen=3/);
  assert.equal(await page.getByLabel('Titel', { exact: true }).inputValue(), original);
});

// Browser test harness: Debian's Chromium driven by playwright-core (headless, fresh profile),
// plus the static server the demo uses. Screenshots go to build/browser-artifacts/.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

export { ISOLATION_HEADERS, startStaticServer } from '../../scripts/static-server.mjs';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = join(ROOT, 'build/browser-artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches headless Chromium with a fresh profile; returns { browser (a persistent context), close() }. */
export async function launchBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'onnx-predict-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens a page that fails the test on any uncaught page error, and collects console messages
 * (page.consoleLines) for failure output.
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  page.consoleLines = [];
  page.pageErrors = [];
  page.on('console', (m) => page.consoleLines.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => page.pageErrors.push(String(e)));
  if (url) await page.goto(url);
  return page;
}

/** Saves a full-page screenshot as a test artifact. */
export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

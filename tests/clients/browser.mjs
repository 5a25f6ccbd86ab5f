// axe-core in headless Debian Chromium (driven by playwright-core), and two screenshots of each
// HTML edition: print-emulated full page, and phone width (390 px) full page.
//
//   node tests/clients/browser.mjs --shots DIR FILE.html ...
//
// Prints one verdict line per file (`axe    FILE: ok` or `axe    FILE: FAIL: ...`) and one per
// screenshot; exits 1 if any file has a violation or could not be checked.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

const args = process.argv.slice(2);
let shots = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--shots') shots = args[++i];
  else files.push(args[i]);
}
if (!files.length) {
  console.error('usage: browser.mjs [--shots DIR] FILE.html ...');
  process.exit(2);
}
if (shots) fs.mkdirSync(shots, { recursive: true });

let failed = 0;
let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
} catch (err) {
  for (const file of files) {
    console.log(`axe        ${file}: FAIL: could not start ${CHROMIUM}: ${String(err && err.message || err).split('\n')[0]}`);
  }
  process.exit(1);
}
try {
  // No network: an edition must be whole by itself (file:// only).
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
  await context.route(/^(?!file:|data:|about:)/, (route) => route.abort());
  for (const file of files) {
    const page = await context.newPage();
    try {
      await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: 'load' });
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async (tags) => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
        return {
          version: r.testEngine.version,
          violations: r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
          })),
        };
      }, TAGS);
      if (result.violations.length === 0) {
        console.log(`axe        ${file}: ok (axe-core ${result.version}, ${TAGS.join(', ')})`);
      } else {
        failed++;
        const what = result.violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length} node(s))`).join('; ');
        console.log(`axe        ${file}: FAIL: ${what}`);
        for (const v of result.violations) {
          console.log(`          ${v.id}: ${v.help}`);
          for (const n of v.nodes.slice(0, 5)) {
            console.log(`            at ${n.target}: ${String(n.summary).replace(/\s+/g, ' ').slice(0, 300)}`);
          }
        }
      }
      if (shots) {
        const base = path.join(shots, path.basename(file, '.html'));
        await page.emulateMedia({ media: 'print' });
        await page.screenshot({ path: `${base}.print.png`, fullPage: true });
        await page.emulateMedia({ media: 'screen' });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.screenshot({ path: `${base}.phone.png`, fullPage: true });
        await page.setViewportSize({ width: 1280, height: 900 });
        console.log(`screenshot ${file}: ok (${base}.print.png, ${base}.phone.png)`);
      }
    } catch (err) {
      failed++;
      console.log(`axe        ${file}: FAIL: could not check: ${String(err && err.message || err).split('\n')[0]}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);

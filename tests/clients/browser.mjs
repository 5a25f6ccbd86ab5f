// axe-core in headless Debian Chromium (driven by playwright-core); at phone width (390 px) no
// sideways scrolling (reflow); and two screenshots of each HTML edition: print-emulated full
// page, and phone width full page.
//
//   node tests/clients/browser.mjs [--shots DIR] [--skip reflow] FILE.html ...
//
// Prints one verdict line per check per file (`axe        FILE: ok` or `... FILE: FAIL: ...`);
// exits 1 if any file has a violation or could not be checked.
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
let skip = [];
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--shots') shots = args[++i];
  else if (args[i] === '--skip') skip = String(args[++i] || '').split(',');
  else files.push(args[i]);
}
const PHONE = 390;

// At phone width, the page must not scroll sideways (WCAG 2.1 1.4.10 Reflow): the text that
// sticks out past the viewport, if any.
function overflow() {
  const width = document.documentElement.clientWidth;
  const rtl = getComputedStyle(document.documentElement).direction === 'rtl';
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (rtl ? r.left < -0.5 && r.right > -1000 : r.right > width + 0.5) {
        out.push(`<${node.parentElement.tagName.toLowerCase()}> "${node.textContent.trim().slice(0, 50)}" to ${Math.round(r.right)} px`);
        break;
      }
    }
  }
  return { scrollWidth: document.documentElement.scrollWidth, width, out };
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
      // <build folder>/<id>/<id>.<lang>.html: named by the build folder too (ids repeat across folders).
      const base = shots && path.join(shots, `${path.basename(path.dirname(path.dirname(file)))}.${path.basename(file, '.html')}`);
      if (shots) {
        await page.emulateMedia({ media: 'print' });
        await page.screenshot({ path: `${base}.print.png`, fullPage: true });
        await page.emulateMedia({ media: 'screen' });
      }
      await page.setViewportSize({ width: PHONE, height: 844 });
      const reflow = await page.evaluate(overflow);
      if (shots) await page.screenshot({ path: `${base}.phone.png`, fullPage: true });
      await page.setViewportSize({ width: 1280, height: 900 });
      if (reflow.scrollWidth <= reflow.width) {
        console.log(`reflow     ${file}: ok (no sideways scrolling at ${PHONE} px)`);
      } else {
        const what = `${reflow.scrollWidth} px wide at ${PHONE} px: ${reflow.out.slice(0, 3).join('; ')}`;
        if (skip.includes('reflow')) {
          console.log(`reflow     ${file}: known, left out by --skip: ${what}`);
        } else {
          failed++;
          console.log(`reflow     ${file}: FAIL: ${what}`);
        }
      }
      if (shots) console.log(`screenshot ${file}: ok (${base}.print.png, ${base}.phone.png)`);
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

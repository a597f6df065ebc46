// The keyboard and contrast audit of the results view and the popup, shared by the
// Chromium (playwright-core) and Firefox (puppeteer-core) suites. It needs of a page only
// `evaluate(fn, arg)` and `keyboard.press(key)`, which both libraries have; the judging
// happens inside the page, from the DOM and getComputedStyle, in either browser.

import assert from 'node:assert/strict';

const CONTROLS = 'a[href], button, input, textarea, select, summary';

/**
 * Tabs through the page from the top and returns `{count, missed, unnamed}`: how many
 * visible controls there are, those Tab never reached, and those without an accessible name.
 *
 * It stops pressing Tab once every control has been reached (or after one press per
 * control and five more): in Firefox a Tab past the last control takes focus out of the
 * page to the browser's toolbar, where the keys of the rest of a test would go.
 */
export async function keyboardAudit(page) {
  const total = await page.evaluate((sel) => {
    // From the top: Firefox, unlike Chromium, would start from a control just blurred;
    // both start from the selection when nothing has focus.
    document.activeElement?.blur();
    getSelection().collapse(document.body, 0);
    window.__reached = new Set();
    document.addEventListener('focusin', (e) => window.__reached.add(e.target), true);
    // checkVisibility also knows the content of a closed <details> is not shown.
    window.__controls = () => [...document.querySelectorAll(sel)]
      .filter((el) => el.checkVisibility({ visibilityProperty: true }) && !el.disabled);
    return document.querySelectorAll(sel).length;
  }, CONTROLS);
  const unreached = () => page.evaluate(() => window.__controls().some((el) => !window.__reached.has(el)));
  for (let i = 0; i < total + 5 && await unreached(); i++) await page.keyboard.press('Tab');
  return page.evaluate(() => {
    const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${el.textContent.trim().slice(0, 40)}"`;
    const nameOf = (el) => {
      const labelledby = el.getAttribute('aria-labelledby');
      if (labelledby) return document.getElementById(labelledby)?.textContent.trim();
      return el.getAttribute('aria-label')?.trim()
        || (el.id && document.querySelector(`label[for="${el.id}"]`)?.textContent.trim())
        || el.textContent.trim() || el.getAttribute('title');
    };
    const controls = window.__controls();
    return {
      count: controls.length,
      missed: controls.filter((el) => !window.__reached.has(el)).map(describe),
      unnamed: controls.filter((el) => !nameOf(el)).map(describe),
    };
  });
}

/** Contrast ratios of text and control borders against what lies behind them. */
export function contrastAudit(page, pairs) {
  return page.evaluate((list) => {
    const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
    const lum = (c) => {
      const [r, g, b] = rgb(c).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const ratio = (a, b) => {
      const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
      return (hi + 0.05) / (lo + 0.05);
    };
    // The first ancestor with a background colour that is not transparent.
    const behind = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const bg = getComputedStyle(e).backgroundColor;
        if (!/rgba\(.*, 0\)$/.test(bg) && bg !== 'transparent') return bg;
      }
      return 'rgb(255, 255, 255)';
    };
    return list.map(([selector, property, min]) => {
      const el = document.querySelector(selector);
      if (!el) return { selector, missing: true };
      const fg = getComputedStyle(el)[property];
      const bg = property === 'color' ? behind(el) : behind(el.parentElement);
      return { selector, property, ratio: Math.round(ratio(fg, bg) * 100) / 100, min };
    });
  }, pairs);
}

/** `[selector, property, minimum ratio]`: WCAG AA's 4.5 for text, 3 for control borders. */
export const RESULTS_PAIRS = [
  ['h1', 'color', 4.5],
  ['#summary', 'color', 4.5],
  ['article.indicator .kind', 'color', 4.5],
  ['article.indicator h2', 'color', 4.5],
  ['.section-status', 'color', 4.5],
  ['.section-body dt', 'color', 4.5],
  ['a.pivot', 'color', 4.5],
  ['.section-message', 'color', 4.5],
  ['button.copy', 'color', 4.5],
  ['button.copy', 'borderTopColor', 3],
  ['details.export summary', 'borderTopColor', 3],
];

export const POPUP_PAIRS = [
  ['label[for="query"]', 'color', 4.5],
  ['#found .kind', 'color', 4.5],
  ['#found .value', 'color', 4.5],
  ['button#search', 'color', 4.5],
  ['button#search', 'borderTopColor', 3],
  ['textarea#query', 'borderTopColor', 3],
  ['#history a', 'color', 4.5],
];

export function assertContrast(results, scheme) {
  for (const r of results) {
    assert.ok(!r.missing, `${r.selector} is on the page`);
    assert.ok(r.ratio >= r.min, `${scheme}: ${r.selector} ${r.property} has contrast ${r.ratio}, below ${r.min}`);
  }
}

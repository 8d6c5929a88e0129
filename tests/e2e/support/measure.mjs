// What the width test measures of a panel screen (see `measure`), shared with the team tests, and
// their waits.
import assert from 'node:assert/strict';

/**
 * Measures the panel as it is now: (a) whether the document or the body is wider than the
 * viewport, with the outermost elements that stick out; (b) every visible control outside the
 * viewport, unless it sits in a sideways scroller / clipping box that is itself inside the
 * viewport; (c) the header's tabs, "?" and language switch, each inside the viewport.
 * The viewport is the part of the window not taken by a vertical scrollbar (clientWidth), so a
 * control under the scrollbar counts as outside.
 */
export function measure(panel) {
  return panel.evaluate(() => {
    window.scrollTo(0, window.scrollY);
    const html = document.documentElement;
    const body = document.body;
    const vw = Math.min(window.innerWidth, html.clientWidth);
    const round = (n) => Math.round(n * 10) / 10;
    const box = (r) => ({ left: round(r.left), right: round(r.right), width: round(r.width), top: round(r.top + window.scrollY) });
    const inside = (r) => r.left >= -0.5 && r.right <= vw + 0.5;
    const clipping = (el) => /^(auto|scroll|hidden|clip)$/.test(getComputedStyle(el).overflowX);
    /** Whether an ancestor (below body) that scrolls or clips sideways is inside the viewport. */
    const contained = (el) => {
      for (let a = el.parentElement; a && a !== body && a !== html; a = a.parentElement) {
        if (clipping(a) && inside(a.getBoundingClientRect())) return true;
      }
      return false;
    };
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && el.checkVisibility({ checkVisibilityCSS: true });
    };
    const text = (el) => {
      const own = el.matches('input, select, textarea')
        ? el.getAttribute('placeholder') || el.getAttribute('aria-label') || el.value || ''
        : el.getAttribute('aria-label') || el.innerText || el.getAttribute('title') || '';
      const t = String(own).replace(/\s+/g, ' ').trim();
      return t.length > 40 ? `${t.slice(0, 39)}…` : t;
    };
    const describe = (el) => {
      const testid = el.getAttribute('data-testid');
      const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const type = el.tagName === 'INPUT' ? `[type=${el.type}]` : '';
      const id = testid ? `[data-testid=${testid}]` : cls;
      const within = el.parentElement?.closest('[data-testid]')?.getAttribute('data-testid');
      return {
        element: `${el.tagName.toLowerCase()}${type}${id}`,
        text: text(el),
        within: within ?? null,
        rect: box(el.getBoundingClientRect()),
      };
    };

    // (a) Sideways scroll of the page.
    const page = {
      viewport: vw,
      innerWidth: window.innerWidth,
      htmlScrollWidth: html.scrollWidth,
      bodyScrollWidth: body.scrollWidth,
    };
    page.scrolls = html.scrollWidth > vw || body.scrollWidth > vw;
    // The outermost elements wider than the viewport (their parent fits): what makes it scroll.
    const causes = [];
    if (page.scrolls) {
      for (const el of body.querySelectorAll('*')) {
        if (!visible(el)) continue;
        const r = el.getBoundingClientRect();
        if (inside(r) || contained(el)) continue;
        const p = el.parentElement;
        if (p && p !== body && !inside(p.getBoundingClientRect())) continue;
        causes.push(describe(el));
      }
    }

    // (b) Controls outside the viewport.
    const controls = [];
    for (const el of document.querySelectorAll('button, input, select, textarea, a[href], [role=tab], [role=button], label')) {
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      if (inside(r) || contained(el)) continue;
      controls.push(describe(el));
    }

    // (c) The header: every tab, the help button and the language switch, inside the viewport
    // and not cut off by a box that scrolls or clips (no exemption here: all of them in view).
    const clippedBy = (el, r) => {
      for (let a = el.parentElement; a && a !== body && a !== html; a = a.parentElement) {
        if (!clipping(a)) continue;
        const c = a.getBoundingClientRect();
        if (r.left < c.left - 0.5 || r.right > c.right + 0.5) return true;
      }
      return false;
    };
    const header = [];
    const headerItems = [...document.querySelectorAll(
      ['tab-customer', 'tab-list', 'tab-products', 'tab-templates', 'tab-data', 'help-button', 'lang-switch'].map((id) => `[data-testid=${id}]`).join(', '),
    )];
    for (const el of headerItems) {
      const r = el.getBoundingClientRect();
      if (!(r.width > 0) || !inside(r) || clippedBy(el, r)) header.push(describe(el));
    }
    // (d) Targets too small to hit (WCAG 2.5.8: at least 24 × 24 px), for the controls an agent
    // clicks; a text link inside a sentence is exempt there, and so here.
    const small = [];
    for (const el of document.querySelectorAll('button, select, [role=tab], input:not([type=checkbox]):not([type=radio]):not([type=file]):not([type=hidden])')) {
      if (!visible(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 24 - 0.5 || r.height < 24 - 0.5) small.push(describe(el));
    }
    return { page, causes, controls, header, small, headerCount: headerItems.length };
  });
}

/** Fails unless the panel fits its width: no sideways scroll, no control outside, none too small. */
export async function assertFits(panel, label) {
  const m = await measure(panel);
  assert.equal(m.page.scrolls, false, `${label}: scrolls sideways: ${JSON.stringify(m.causes)}`);
  assert.deepEqual(m.controls, [], `${label}: controls outside the viewport`);
  assert.deepEqual(m.small, [], `${label}: targets under 24 px`);
}

/** Polls `probe` every 300 ms until it returns something truthy (returned), or fails after `timeout` ms. */
export async function until(what, probe, timeout = 30_000) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    last = await probe();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
}

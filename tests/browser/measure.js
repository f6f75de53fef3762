// The in-page half of tests/browser/measure.py: returns a list of problems.
// Words that must not break: Latin words, numbers, dates and times (tokens up to 24
// characters; longer ones are links and codes that may wrap). Chinese text may break
// between any two characters, as it always does.
(lim) => {
  const out = [];
  const root = document.documentElement;
  const vw = root.clientWidth;
  const hidden = el => !!el.closest('.visually-hidden, [hidden], .print-only, .skip, details:not([open]) > :not(summary)');
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden' && !hidden(el); };
  const label = el => { const t = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 40); return `<${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? ' class="' + el.className + '"' : ''}> "${t}"`; };
  const rgba = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return [0, 0, 0, 0]; const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = el => { let layers = []; for (let e = el; e; e = e.parentElement) { const c = rgba(getComputedStyle(e).backgroundColor); if (c[3] > 0) { layers.push(c); if (c[3] >= 1) break; } } let bg = [255, 255, 255]; for (const c of layers.reverse()) bg = bg.map((v, i) => v * (1 - c[3]) + c[i] * c[3]); return bg; };
  if (root.scrollWidth > vw) {
    // name the innermost elements that stick out, so the report says what to fix
    const wide = [...document.body.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > vw + 0.5 && shown(e));
    const leaves = wide.filter(e => !wide.some(o => o !== e && e.contains(o))).slice(0, 3).map(label);
    out.push(`scrolls sideways: ${root.scrollWidth}px wide at ${vw}px (${leaves.join('; ')})`);
  }
  const seen = new Set();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const tokens = /[A-Za-z0-9][A-Za-z0-9:.,+\-\/]*[A-Za-z0-9]/g;
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement;
    if (!el || !node.textContent.trim() || el.closest('script, style, noscript, option, textarea')) continue;
    if (!shown(el)) continue;
    const s = getComputedStyle(el), svg = el.closest('svg');
    const inSvg = !!svg;
    // SVG text is drawn at the viewBox's scale: measure it as shown.
    const scale = svg && svg.viewBox.baseVal && svg.viewBox.baseVal.width
      ? svg.getBoundingClientRect().width / svg.viewBox.baseVal.width : 1;
    const size = Math.round(parseFloat(s.fontSize) * scale * 10) / 10;
    if (!seen.has(el)) {
      seen.add(el);
      const min = inSvg ? lim.chart_text_px : lim.text_px;
      if (size < min - 0.05) out.push(`text ${size}px < ${min}px: ${label(el)}`);
      if (!inSvg) {
        const heading = el.closest('h1, h2, h3, h4, h5, h6, .code-text, .checkin-code, .balance dd, .figures dd, .board-points');
        const lh = s.lineHeight === 'normal' ? 1.2 * size : parseFloat(s.lineHeight);
        if (!heading && lh / size < lim.line - 0.01) out.push(`line height ${(lh / size).toFixed(2)} < ${lim.line}: ${label(el)}`);
        const fg = rgba(s.color), bg = background(el);
        const disabled = el.closest('button:disabled, [aria-disabled="true"]');
        const mixed = fg.map((v, i) => i < 3 ? v * fg[3] + bg[i] * (1 - fg[3]) : 1);
        const [a, b] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
        const ratio = (a + 0.05) / (b + 0.05);
        if (!disabled && ratio < lim.contrast - 0.01) out.push(`contrast ${ratio.toFixed(2)} < ${lim.contrast}: ${label(el)} (${s.color} on rgb(${bg.map(Math.round)}))`);
      }
    }
    if (inSvg) continue;
    for (const m of node.textContent.matchAll(tokens)) {
      if (m[0].length < 2 || m[0].length > 24) continue;
      // "micro-wishes" may break after its hyphen, as English does; a date or code may not.
      const parts = /^[A-Za-z]+(-[A-Za-z]+)+$/.test(m[0]) ? m[0].split('-') : [m[0]];
      let at = m.index;
      for (const part of parts) {
      const range = document.createRange();
      range.setStart(node, at); range.setEnd(node, at + part.length);
      at += part.length + 1;
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      if (tops.size > 1) out.push(`"${m[0]}" broken across lines in ${label(el)}`);
      }
    }
  }
  // Tap targets: buttons, form controls, summaries, and links that stand alone (the whole
  // text of their block). A link inside a sentence is text, not a target of its own.
  const block = el => { let p = el.parentElement; while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement; return p; };
  for (const el of document.querySelectorAll('button, a[href], summary, select, input:not([type=hidden]), textarea')) {
    if (!shown(el) || el.closest('svg')) continue;
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) { target = el.closest('label') || el; }
    if (el.matches('a')) {
      const p = block(el);
      if (p && (p.innerText || '').trim().replace(/\s+/g, ' ') !== (el.innerText || '').trim().replace(/\s+/g, ' ')) continue;
    }
    const r = target.getBoundingClientRect();
    if (r.width < lim.target_px - 0.5 || r.height < lim.target_px - 0.5) out.push(`target ${Math.round(r.width)}x${Math.round(r.height)} < ${lim.target_px}: ${label(target)}`);
  }
  // Headings go down one level at a time (h1 → h2 → h3), starting with one h1.
  let level = 0;
  for (const h of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const n = Number(h.tagName[1]);
    if (n > level + 1) out.push(`heading h${n} after h${level}: ${label(h)}`);
    level = n;
  }
  return [...new Set(out)];
}

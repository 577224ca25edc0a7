// DOM helpers. Text always goes in through textContent (never innerHTML), so event data that
// contains markup is shown, not run.

/** h('button', { class: 'x', onclick }, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function')
      el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** A table with a header row; `rows` are arrays of cells (strings or nodes) or <tr> nodes. */
export function table(label, headers, rows) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { 'aria-label': label },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          headers.map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((r) =>
          r instanceof Node
            ? r
            : h(
                'tr',
                {},
                r.map((c) => h('td', {}, c)),
              ),
        ),
      ),
    ),
  );
}

/** Form fields as an object of non-empty trimmed strings. */
export function formValues(form) {
  const out = {};
  for (const [name, value] of new FormData(form)) {
    const v = String(value).trim();
    if (v !== '') out[name] = v;
  }
  return out;
}

const notice = () => document.getElementById('notice');

/** A message in the live region (read out by screen readers); errors stay until replaced. */
export function say(text, kind = 'info') {
  clear(notice()).append(h('p', { class: kind === 'error' ? 'error' : '' }, text));
}

export function sayError(err) {
  const code = err?.code ? `${err.code}: ` : '';
  const rid = err?.requestId ? ` (RequestId ${err.requestId})` : '';
  say(`${code}${err?.message ? err.message : String(err)}${rid}`, 'error');
}

export function quiet() {
  clear(notice());
}

// The expression editor: completion of metric names, label names and values, functions and
// keywords from the server's own label API, and syntax errors marked at their line and column
// as the server's parser reports them (api/v1/parse_query).
(function () {
  'use strict';
  const C = window.Cardinal;
  const el = C.el;

  const FUNCTIONS = (
    'abs absent absent_over_time acos acosh asin asinh atan atanh avg_over_time ceil changes clamp ' +
    'clamp_max clamp_min cos cosh count_over_time day_of_month day_of_week day_of_year days_in_month ' +
    'deg delta deriv double_exponential_smoothing end exp first_over_time floor histogram_avg ' +
    'histogram_count histogram_fraction histogram_quantile histogram_quantiles histogram_stddev ' +
    'histogram_stdvar histogram_sum hour idelta increase info irate label_join label_replace ' +
    'last_over_time ln log10 log2 mad_over_time max_of max_over_time min_of min_over_time minute ' +
    'month pi predict_linear present_over_time quantile_over_time rad range rate resets round scalar ' +
    'sgn sin sinh sort sort_by_label sort_by_label_desc sort_desc sqrt start start_timestamp ' +
    'stddev_over_time stdvar_over_time step sum_over_time tan tanh time timestamp ' +
    'ts_of_first_over_time ts_of_last_over_time ts_of_max_over_time ts_of_min_over_time vector year'
  ).split(' ');
  const AGGREGATIONS = 'sum avg count min max group stddev stdvar topk bottomk count_values quantile limitk limit_ratio'.split(' ');
  const KEYWORDS = 'by without on ignoring group_left group_right bool and or unless offset'.split(' ');

  /** Names the completion offers, fetched once per page. */
  const cache = {};
  function cached(key, load) {
    if (!cache[key]) cache[key] = load().catch(() => []);
    return cache[key];
  }

  /** What to complete at the cursor: {kind, prefix, label?, metric?}. */
  function contextAt(text, pos) {
    const pre = text.slice(0, pos);
    const open = pre.lastIndexOf('{');
    if (open > pre.lastIndexOf('}')) {
      const metric = (pre.slice(0, open).match(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*$/) || [])[1];
      const value = pre.slice(open).match(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)$/);
      if (value) return { kind: 'value', label: value[1], prefix: value[3], metric: metric };
      const name = pre.slice(open).match(/[{,]\s*([a-zA-Z_][a-zA-Z0-9_]*)?$/);
      if (name) return { kind: 'label', prefix: name[1] || '', metric: metric };
      return null;
    }
    const grouping = pre.match(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*,\s*)?([a-zA-Z_][a-zA-Z0-9_]*)?$/);
    if (grouping) return { kind: 'label', prefix: grouping[3] || '' };
    if (/\[[^\]]*$/.test(pre)) return null; // inside a range: a duration
    if (/"[^"]*$/.test(pre.replace(/\\"/g, ''))) return null; // inside a string
    const word = pre.match(/([a-zA-Z_:][a-zA-Z0-9_:]*)$/);
    if (word) return { kind: 'expr', prefix: word[1] };
    return null;
  }

  async function candidates(ctx) {
    const p = ctx.prefix;
    const starts = (s) => s.startsWith(p) && s !== p;
    if (ctx.kind === 'value') {
      const match = ctx.metric ? [ctx.metric] : undefined;
      const key = 'v:' + ctx.label + ':' + (ctx.metric || '');
      const values = await cached(key, () =>
        C.api('label/' + encodeURIComponent(ctx.label) + '/values', { 'match[]': match }),
      );
      return values.filter((v) => v.startsWith(p)).slice(0, 200).map((v) => ({ text: v, kind: 'label value' }));
    }
    if (ctx.kind === 'label') {
      const match = ctx.metric ? [ctx.metric] : undefined;
      const names = await cached('l:' + (ctx.metric || ''), () => C.api('labels', { 'match[]': match }));
      return names.filter((n) => n !== '__name__' && starts(n)).map((n) => ({ text: n, kind: 'label' }));
    }
    const metrics = await cached('m', () => C.api('label/__name__/values'));
    const out = [];
    for (const f of AGGREGATIONS) if (starts(f)) out.push({ text: f, kind: 'aggregation', call: true });
    for (const f of FUNCTIONS) if (starts(f)) out.push({ text: f, kind: 'function', call: true });
    for (const k of KEYWORDS) if (starts(k)) out.push({ text: k, kind: 'keyword' });
    for (const m of metrics) {
      if (starts(m)) out.push({ text: m, kind: 'metric' });
      if (out.length > 300) break;
    }
    return out;
  }

  /** Parses "1:5: parse error: ..." out of the server's message. */
  function position(message) {
    const m = String(message).match(/(\d+):(\d+): (parse error: .*)$/s);
    return m ? { line: Number(m[1]), column: Number(m[2]), text: m[3] } : null;
  }

  /** Column in UTF-8 bytes (as the parser counts) to a character offset within the line. */
  function byteColumnToChars(line, column) {
    let bytes = 0;
    let i = 0;
    for (const ch of line) {
      if (bytes >= column - 1) break;
      bytes += new TextEncoder().encode(ch).length;
      i += ch.length;
    }
    return i;
  }

  C.editor = function (initial, opts) {
    const area = el('textarea', {
      class: 'expr',
      rows: 1,
      spellcheck: 'false',
      autocomplete: 'off',
      placeholder: 'Expression (press Shift+Enter for newlines)',
    });
    area.value = initial || '';
    const list = el('ul', { class: 'completions', hidden: true });
    const marker = el('div', { class: 'syntax', hidden: true });
    const node = el('div', { class: 'editor' }, area, list, marker);
    let items = [];
    let selected = 0;
    let ctx = null;
    let seq = 0;
    let lintTimer = null;

    function close() {
      // A completion still on its way must not reopen the list.
      seq++;
      list.hidden = true;
      items = [];
    }

    function accept(item) {
      const pos = area.selectionStart;
      const start = pos - ctx.prefix.length;
      let insert = item.text;
      if (item.call && area.value[pos] !== '(') insert += '(';
      area.value = area.value.slice(0, start) + insert + area.value.slice(pos);
      const at = start + insert.length;
      area.setSelectionRange(at, at);
      close();
      area.focus();
      lintSoon();
    }

    function draw() {
      C.clear(list);
      items.forEach((it, i) => {
        list.appendChild(
          el(
            'li',
            {
              class: i === selected ? 'sel' : '',
              onmousedown: (e) => {
                e.preventDefault();
                accept(it);
              },
            },
            el('span', {}, it.text),
            el('span', { class: 'kind' }, it.kind),
          ),
        );
      });
      list.hidden = items.length === 0;
      const sel = list.children[selected];
      if (sel && sel.scrollIntoView) sel.scrollIntoView({ block: 'nearest' });
    }

    async function complete() {
      const mine = ++seq;
      ctx = contextAt(area.value, area.selectionStart);
      if (!ctx || (ctx.kind === 'expr' && ctx.prefix.length < 1)) {
        close();
        return;
      }
      const found = await candidates(ctx);
      if (mine !== seq) return;
      items = found.slice(0, 50);
      selected = 0;
      draw();
    }

    async function lint() {
      const q = area.value;
      if (!q.trim()) {
        marker.hidden = true;
        area.classList.remove('invalid');
        return;
      }
      try {
        await C.api('parse_query', { query: q });
        if (q !== area.value) return;
        marker.hidden = true;
        area.classList.remove('invalid');
      } catch (e) {
        if (q !== area.value || e.errorType !== 'bad_data') return;
        showSyntaxError(q, e.message);
      }
    }

    function showSyntaxError(q, message) {
      area.classList.add('invalid');
      C.clear(marker);
      const pos = position(message);
      if (pos) {
        const line = q.split('\n')[pos.line - 1] || '';
        const col = byteColumnToChars(line, pos.column);
        marker.appendChild(
          el('pre', { class: 'mono' }, line + '\n', el('span', { class: 'caret' }, ' '.repeat(col) + '^')),
        );
        marker.appendChild(el('div', { class: 'error' }, pos.line + ':' + pos.column + ': ' + pos.text));
        marker.dataset.line = pos.line;
        marker.dataset.column = pos.column;
      } else {
        marker.appendChild(el('div', { class: 'error' }, message));
      }
      marker.hidden = false;
    }

    function lintSoon() {
      clearTimeout(lintTimer);
      lintTimer = setTimeout(lint, 250);
    }

    area.addEventListener('input', () => {
      area.style.height = 'auto';
      area.style.height = Math.min(300, area.scrollHeight + 2) + 'px';
      complete();
      lintSoon();
    });
    area.addEventListener('blur', () => setTimeout(close, 100));
    area.addEventListener('keydown', (e) => {
      if (!list.hidden && items.length) {
        if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
          selected = (selected + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
          draw();
          e.preventDefault();
          return;
        }
        if (e.key === 'Tab' || (e.key === 'Enter' && !e.shiftKey)) {
          accept(items[selected]);
          e.preventDefault();
          return;
        }
        if (e.key === 'Escape') {
          close();
          e.preventDefault();
          return;
        }
      }
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        close();
        if (opts && opts.onExecute) opts.onExecute();
      }
    });
    if (area.value) lintSoon();

    return {
      node: node,
      value: () => area.value,
      setValue: (v) => {
        area.value = v;
        lintSoon();
      },
      showSyntaxError: showSyntaxError,
      focus: () => area.focus(),
    };
  };

  C.editorInternals = { contextAt: contextAt, position: position };
})();

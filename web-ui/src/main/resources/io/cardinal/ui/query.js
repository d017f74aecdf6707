// The query page: panels of an expression each, shown as a table, a graph or the explain tree.
// The panels live in the URL with Prometheus's parameter names (g0.expr, g0.tab, g0.range_input,
// g0.end_input, g0.moment_input, g0.step_input, g0.display_mode), so a URL reproduces the view
// and Prometheus's own /graph links open here.
(function () {
  'use strict';
  const C = window.Cardinal;
  const el = C.el;

  const RANGES = ['1m', '5m', '15m', '30m', '1h', '2h', '6h', '12h', '1d', '2d', '1w', '2w', '4w'];

  function readPanels() {
    const p = new URLSearchParams(location.search);
    const panels = [];
    for (let i = 0; p.has('g' + i + '.expr') || p.has('g' + i + '.tab'); i++) {
      const get = (k, d) => (p.has('g' + i + '.' + k) ? p.get('g' + i + '.' + k) : d);
      let tab = get('tab', 'table');
      // Prometheus 2 wrote 0 for the graph and 1 for the table.
      if (tab === '0') tab = 'graph';
      if (tab === '1') tab = 'table';
      let mode = get('display_mode', get('stacked', '0') === '1' ? 'stacked' : 'lines');
      panels.push({
        expr: get('expr', ''),
        tab: ['table', 'graph', 'explain'].includes(tab) ? tab : 'table',
        range: get('range_input', '1h'),
        end: get('end_input', ''),
        moment: get('moment_input', ''),
        step: get('step_input', ''),
        mode: mode === 'stacked' ? 'stacked' : 'lines',
      });
    }
    if (panels.length === 0) panels.push({ expr: '', tab: 'table', range: '1h', end: '', moment: '', step: '', mode: 'lines' });
    return panels;
  }

  function writeUrl(panels) {
    const p = new URLSearchParams();
    panels.forEach((s, i) => {
      const g = 'g' + i + '.';
      p.set(g + 'expr', s.expr);
      p.set(g + 'tab', s.tab);
      p.set(g + 'display_mode', s.mode);
      p.set(g + 'range_input', s.range);
      if (s.end) p.set(g + 'end_input', s.end);
      if (s.moment) p.set(g + 'moment_input', s.moment);
      if (s.step) p.set(g + 'step_input', s.step);
    });
    history.replaceState(null, '', '?' + p.toString());
  }

  /** "2024-01-02 03:04:05" (UTC) or "" (now) to epoch seconds. */
  function timeOf(input) {
    if (!input) return Date.now() / 1000;
    const t = Date.parse(input.replace(' ', 'T') + (/[zZ]|[+-]\d\d:?\d\d$/.test(input) ? '' : 'Z'));
    return isNaN(t) ? Date.now() / 1000 : t / 1000;
  }

  function fmtInput(sec) {
    return new Date(sec * 1000).toISOString().slice(0, 19).replace('T', ' ');
  }

  C.pages.query = function (main) {
    const panels = readPanels();
    const list = el('div', { id: 'panels' });
    const add = el('button', { id: 'add-panel', onclick: () => addPanel({ expr: '', tab: 'table', range: '1h', end: '', moment: '', step: '', mode: 'lines' }, true) }, 'Add panel');
    main.appendChild(list);
    main.appendChild(add);
    const states = [];
    const sync = () => writeUrl(states.filter((s) => !s.removed));

    function addPanel(state, focus) {
      states.push(state);
      const panel = buildPanel(state, sync, () => {
        state.removed = true;
        panel.remove();
        sync();
      });
      list.appendChild(panel);
      if (focus) panel.querySelector('textarea').focus();
      if (state.expr) panel.execute();
    }
    panels.forEach((s) => addPanel(s, false));
  };

  function buildPanel(state, sync, remove) {
    const output = el('div', { class: 'output' });
    const controls = el('div', { class: 'row controls' });
    const stats = el('div', { class: 'stats' });
    const editor = C.editor(state.expr, { onExecute: () => panel.execute() });
    const tabs = {};
    const tabBar = el('div', { class: 'tabs' });
    for (const [name, label] of [['table', 'Table'], ['graph', 'Graph'], ['explain', 'Explain']]) {
      tabs[name] = el('button', {
        class: 'tab-' + name,
        onclick: () => {
          state.tab = name;
          drawTabs();
          panel.execute();
        },
      }, label);
      tabBar.appendChild(tabs[name]);
    }
    const panel = el(
      'div',
      { class: 'panel' },
      el(
        'div',
        { class: 'row' },
        editor.node,
        el('button', { class: 'primary execute', onclick: () => panel.execute() }, 'Execute'),
        el('button', { class: 'remove', title: 'Remove panel', onclick: remove }, '✕'),
      ),
      tabBar,
      controls,
      output,
      stats,
    );

    function drawTabs() {
      for (const [n, b] of Object.entries(tabs)) b.classList.toggle('on', n === state.tab);
      C.clear(controls);
      if (state.tab === 'table' || state.tab === 'explain') {
        const moment = el('input', { type: 'text', class: 'moment', placeholder: 'Evaluation time (now)', value: state.moment, size: 22 });
        moment.addEventListener('change', () => {
          state.moment = moment.value.trim();
          panel.execute();
        });
        controls.appendChild(el('span', { class: 'muted' }, 'Evaluation time'));
        controls.appendChild(moment);
      } else {
        const range = el('input', { type: 'text', class: 'range', value: state.range, size: 6 });
        const step = (dir) => {
          const cur = C.parseDuration(state.range);
          let i = RANGES.findIndex((r) => C.parseDuration(r) >= cur);
          if (i < 0) i = RANGES.length - 1;
          i = Math.max(0, Math.min(RANGES.length - 1, i + dir));
          state.range = RANGES[i];
          range.value = state.range;
          panel.execute();
        };
        range.addEventListener('change', () => {
          if (!isNaN(C.parseDuration(range.value))) state.range = range.value.trim();
          range.value = state.range;
          panel.execute();
        });
        const end = el('input', { type: 'text', class: 'end', placeholder: 'End time (now)', value: state.end, size: 22 });
        end.addEventListener('change', () => {
          state.end = end.value.trim();
          panel.execute();
        });
        const res = el('input', { type: 'text', class: 'resolution', placeholder: 'Res. (s)', value: state.step, size: 8 });
        res.addEventListener('change', () => {
          state.step = res.value.trim();
          panel.execute();
        });
        const stacked = el('input', { type: 'checkbox', class: 'stacked', checked: state.mode === 'stacked' });
        stacked.addEventListener('change', () => {
          state.mode = stacked.checked ? 'stacked' : 'lines';
          panel.execute();
        });
        controls.append(
          el('button', { class: 'range-less', onclick: () => step(-1) }, '−'),
          range,
          el('button', { class: 'range-more', onclick: () => step(1) }, '+'),
          end,
          res,
          el('label', {}, stacked, ' stacked'),
        );
      }
    }

    panel.execute = async function () {
      state.expr = editor.value();
      sync();
      C.clear(stats);
      if (!state.expr.trim()) {
        C.clear(output);
        return;
      }
      const t0 = performance.now();
      try {
        if (state.tab === 'table') await table(state, output, stats);
        else if (state.tab === 'graph') await graph(state, output, stats);
        else await explain(state, output);
        stats.prepend('Load time: ' + Math.round(performance.now() - t0) + 'ms. ');
      } catch (e) {
        C.clear(output).appendChild(el('div', { class: 'error query-error' }, 'Error executing query: ' + e.message));
        if (e.errorType === 'bad_data') editor.showSyntaxError(state.expr, e.message);
      }
    };
    drawTabs();
    return panel;
  }

  async function table(state, output, stats) {
    const data = await C.api('query', { query: state.expr, time: timeOf(state.moment) });
    C.clear(output);
    const t = el('table', { class: 'result' }, el('thead', {}, el('tr', {}, el('th', {}, 'Series'), el('th', { class: 'num' }, 'Value'))));
    const body = el('tbody');
    t.appendChild(body);
    const max = 10000;
    let rows = 0;
    if (data.resultType === 'vector') {
      for (const s of data.result.slice(0, max)) {
        body.appendChild(el('tr', {}, el('td', { class: 'mono' }, C.seriesName(s.metric)), el('td', { class: 'num mono' }, s.value ? s.value[1] : histogramText(s.histogram))));
        rows++;
      }
    } else if (data.resultType === 'matrix') {
      for (const s of data.result.slice(0, max)) {
        const vals = (s.values || []).map((v) => v[1] + ' @' + v[0]).join('\n');
        body.appendChild(el('tr', {}, el('td', { class: 'mono' }, C.seriesName(s.metric)), el('td', { class: 'num mono' }, el('pre', {}, vals))));
        rows++;
      }
    } else {
      body.appendChild(el('tr', {}, el('td', { class: 'mono' }, data.resultType), el('td', { class: 'num mono' }, String(data.result[1]))));
      rows = 1;
    }
    if (rows === 0) body.appendChild(el('tr', {}, el('td', { colspan: 2, class: 'muted empty' }, 'Empty query result')));
    output.appendChild(t);
    stats.append('Result series: ' + (data.resultType === 'scalar' || data.resultType === 'string' ? 1 : data.result.length));
  }

  function histogramText(h) {
    if (!h) return '';
    return 'count=' + h[1].count + ' sum=' + h[1].sum;
  }

  async function graph(state, output, stats) {
    const range = C.parseDuration(state.range) || 3600;
    const end = timeOf(state.end);
    const auto = Math.max(Math.floor(range / 250), 1);
    const stepParsed = Number(state.step);
    const step = state.step && stepParsed > 0 ? stepParsed : auto;
    // The last point falls on the end time itself: anchored at end - range, it could fall up to
    // one step earlier and miss the newest samples.
    const start = end - Math.floor(range / step) * step;
    const data = await C.api('query_range', { query: state.expr, start: start, end: end, step: step });
    const n = Math.floor((end - start) / step) + 1;
    const xs = [];
    for (let i = 0; i < n; i++) xs.push(start + i * step);
    const series = data.result.map((s) => {
      const values = new Array(n).fill(null);
      for (const [t, v] of s.values || []) {
        const i = Math.round((t - start) / step);
        if (i >= 0 && i < n) values[i] = Number(v);
      }
      return { label: C.seriesName(s.metric), values: values };
    });
    C.clear(output);
    const holder = el('div', { class: 'chart' });
    output.appendChild(holder);
    if (series.length === 0) {
      holder.appendChild(el('div', { class: 'muted empty' }, 'No datapoints found.'));
    } else {
      C.chart(holder, xs, series, { stacked: state.mode === 'stacked' });
    }
    stats.append('Result series: ' + series.length + ', resolution: ' + step + 's');
  }

  async function explain(state, output) {
    const ast = await C.api('parse_query', { query: state.expr });
    C.clear(output);
    const time = timeOf(state.moment);
    const root = el('div', { class: 'tree explain' });
    const ul = el('ul');
    root.appendChild(ul);
    output.appendChild(root);
    const jobs = [];
    ul.appendChild(explainNode(ast, time, jobs));
    // One at a time: the server is not flooded by a deep expression.
    for (const job of jobs) await job();
  }

  function children(n) {
    switch (n.type) {
      case 'aggregation':
        return n.param ? [n.param, n.expr] : [n.expr];
      case 'binaryExpr':
        return [n.lhs, n.rhs];
      case 'call':
        return n.args;
      case 'subquery':
      case 'parenExpr':
      case 'unaryExpr':
        return [n.expr];
      default:
        return [];
    }
  }

  function describe(n) {
    switch (n.type) {
      case 'aggregation':
        return n.op + (n.grouping.length || n.without ? (n.without ? ' without' : ' by') + ' (' + n.grouping.join(', ') + ')' : '');
      case 'binaryExpr':
        return n.op + (n.bool ? ' bool' : '') + (n.matching && (n.matching.on || n.matching.labels.length) ? (n.matching.on ? ' on' : ' ignoring') + ' (' + n.matching.labels.join(', ') + ')' : '') + (n.matching && n.matching.card !== 'one-to-one' && n.matching.card !== 'many-to-many' ? ' ' + (n.matching.card === 'many-to-one' ? 'group_left' : 'group_right') : '');
      case 'call':
        return n.func.name + '()';
      case 'parenExpr':
        return '( … )';
      case 'unaryExpr':
        return n.op + ' …';
      default:
        return n.promql;
    }
  }

  function explainNode(n, time, jobs) {
    const result = el('span', { class: 'result muted' }, '…');
    const li = el(
      'li',
      { class: 'explain-node', 'data-type': n.type },
      el('span', { class: 'node' }, el('span', { class: 'kind' }, n.type), el('code', {}, describe(n)), result),
    );
    if (n.type === 'numberLiteral' || n.type === 'stringLiteral') {
      result.textContent = 'literal';
    } else {
      jobs.push(async () => {
        const t0 = performance.now();
        try {
          const data = await C.api('query', { query: n.promql, time: time, stats: 'all' });
          const ms = performance.now() - t0;
          const count = Array.isArray(data.result) && data.resultType !== 'scalar' && data.resultType !== 'string' ? data.result.length : 1;
          const evalSec = data.stats && data.stats.timings ? data.stats.timings.evalTotalTime : null;
          result.textContent =
            '→ ' + count + (data.resultType === 'matrix' ? ' range series' : data.resultType === 'vector' ? ' series' : ' ' + data.resultType) +
            ' in ' + (evalSec !== null && evalSec !== undefined ? (evalSec * 1000).toFixed(2) + 'ms (server)' : ms.toFixed(1) + 'ms');
          result.dataset.count = count;
        } catch (e) {
          result.textContent = '→ error: ' + e.message;
          result.classList.add('error');
        }
      });
    }
    const kids = children(n);
    if (kids.length) {
      const ul = el('ul');
      for (const k of kids) ul.appendChild(explainNode(k, time, jobs));
      li.appendChild(ul);
    }
    return li;
  }

  C.queryInternals = { readPanels: readPanels, timeOf: timeOf, fmtInput: fmtInput };
})();

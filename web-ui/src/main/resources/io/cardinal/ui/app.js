// Cardinal's web UI: shared helpers and the page router. Every page reads the public HTTP API
// with URLs relative to the page, so the UI works at the root and under --web.route-prefix.
(function () {
  'use strict';
  const C = (window.Cardinal = { pages: {} });

  /** GET api/v1/<path> with params (arrays repeat the key); resolves to "data" or throws. */
  C.api = async function (path, params) {
    const u = new URL('api/v1/' + path, document.baseURI);
    for (const [k, v] of Object.entries(params || {})) {
      if (v === undefined || v === null || v === '') continue;
      for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, one);
    }
    const resp = await fetch(u);
    let body = null;
    try {
      body = await resp.json();
    } catch (e) {
      throw new Error(resp.status + ' ' + resp.statusText);
    }
    if (body.status !== 'success') {
      const err = new Error(body.error || resp.statusText);
      err.errorType = body.errorType;
      throw err;
    }
    return body.data;
  };

  /** An element: el('div', {class: 'x', onclick: f}, child, 'text', ...). */
  C.el = function (tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === undefined || c === null || c === false) continue;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  };
  const el = C.el;

  /** A table: headers are strings or {text, num: true} for right-aligned numbers. */
  C.table = function (headers, rows, cls) {
    return el(
      'table',
      { class: cls || '' },
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { class: h.num ? 'num' : '' }, h.text || h)))),
      el('tbody', {}, rows),
    );
  };

  C.clear = function (node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  };

  /** A label set as Prometheus prints it: name{a="b", ...}. */
  C.seriesName = function (metric) {
    const name = metric.__name__ || '';
    const rest = Object.keys(metric)
      .filter((k) => k !== '__name__')
      .sort()
      .map((k) => k + '="' + String(metric[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"');
    return name + '{' + rest.join(', ') + '}';
  };

  C.labelChips = function (labels) {
    return Object.keys(labels || {})
      .sort()
      .map((k) => el('span', { class: 'label' }, k + '="' + labels[k] + '"'));
  };

  C.fmtTime = function (sec) {
    if (sec === undefined || sec === null) return '';
    const d = new Date(sec * 1000);
    return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  };

  C.fmtAgo = function (iso) {
    if (!iso || iso.startsWith('0001')) return 'never';
    const ms = Date.now() - Date.parse(iso);
    if (isNaN(ms)) return iso;
    return C.fmtDuration(Math.max(0, ms / 1000)) + ' ago';
  };

  C.fmtDuration = function (sec) {
    if (sec < 1) return Math.round(sec * 1000 * 10) / 10 + 'ms';
    const parts = [];
    let s = Math.round(sec);
    for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]]) {
      if (s >= n) {
        parts.push(Math.floor(s / n) + u);
        s %= n;
      }
    }
    return parts.join('') || '0s';
  };

  /** Prometheus duration ("1h30m", "90s", "2d") to seconds, or NaN. */
  C.parseDuration = function (s) {
    const m = String(s).trim().match(/^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/);
    if (!m || !String(s).trim()) return NaN;
    const f = [31536000, 604800, 86400, 3600, 60, 1, 0.001];
    let t = 0;
    for (let i = 0; i < 7; i++) if (m[2 + 2 * i]) t += Number(m[2 + 2 * i]) * f[i];
    return t;
  };

  C.fmtNumber = function (n) {
    if (n === null || n === undefined) return '';
    if (typeof n === 'string') return n;
    return n.toLocaleString('en-US');
  };

  C.fmtBytes = function (b) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (b >= 1024 && i < units.length - 1) {
      b /= 1024;
      i++;
    }
    return (i === 0 ? b : b.toFixed(1)) + ' ' + units[i];
  };

  C.palette = [
    '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf', '#393b79', '#637939', '#8c6d31', '#843c39', '#7b4173', '#3182bd',
  ];

  /**
   * A time-series chart with uPlot. xs: seconds; series: [{label, values}] (null for gaps).
   * Clicking a legend entry hides or shows that series.
   */
  C.chart = function (container, xs, series, opts) {
    opts = opts || {};
    C.clear(container);
    const stacked = !!opts.stacked;
    const data = [xs];
    const acc = xs.map(() => 0);
    for (const s of series) {
      if (stacked) {
        data.push(
          s.values.map((v, i) => {
            if (v === null || v === undefined) return null;
            acc[i] += v;
            return acc[i];
          }),
        );
      } else {
        data.push(s.values);
      }
    }
    const width = Math.max(300, container.clientWidth || container.parentNode.clientWidth || 800);
    const plot = new uPlot(
      {
        width: width,
        height: opts.height || 320,
        series: [{}].concat(
          series.map((s, i) => ({
            label: s.label,
            stroke: s.color || C.palette[i % C.palette.length],
            width: 1.5,
            fill: stacked ? (s.color || C.palette[i % C.palette.length]) + '33' : undefined,
            dash: s.dash,
            spanGaps: false,
          })),
        ),
        axes: [{}, { size: 70 }],
        legend: { show: opts.legend !== false, live: true },
        scales: { x: { time: true } },
      },
      data,
      container,
    );
    return plot;
  };

  /** Renders a small "what went wrong" box into node. */
  C.showError = function (node, err) {
    C.clear(node).appendChild(el('div', { class: 'card error' }, 'Error: ' + (err.message || err)));
  };

  C.start = function () {
    const page = location.pathname.split('/').pop() || 'query';
    for (const a of document.querySelectorAll('#nav a[data-page]')) {
      if (a.dataset.page === page) a.classList.add('active');
    }
    const main = document.getElementById('app');
    const render = C.pages[page];
    if (!render) {
      main.appendChild(el('div', { class: 'card' }, 'No such page: ' + page));
      return;
    }
    Promise.resolve(render(main)).catch((e) => C.showError(main, e));
  };
})();

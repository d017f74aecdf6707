// The status pages Prometheus has: targets, service discovery, rules, alerts, configuration,
// flags, runtime and build information, TSDB status.
(function () {
  'use strict';
  const C = window.Cardinal;
  const el = C.el;

  const table = C.table;

  function queryLink(expr, text) {
    return el('a', { class: 'drill', href: 'query?g0.expr=' + encodeURIComponent(expr) + '&g0.tab=table' }, text);
  }

  C.pages.targets = async function (main) {
    main.appendChild(el('h1', {}, 'Targets'));
    const unhealthy = el('input', { type: 'checkbox', id: 'unhealthy-only' });
    const search = el('input', { type: 'text', id: 'target-search', placeholder: 'Filter by endpoint or labels', size: 40 });
    main.appendChild(el('div', { class: 'row' }, el('label', {}, unhealthy, ' Unhealthy only'), search));
    const holder = el('div', { id: 'target-pools' });
    main.appendChild(holder);
    const data = await C.api('targets', { state: 'active' });
    const pools = {};
    for (const t of data.activeTargets) (pools[t.scrapePool] = pools[t.scrapePool] || []).push(t);
    function draw() {
      C.clear(holder);
      const q = search.value.toLowerCase();
      for (const pool of Object.keys(pools).sort()) {
        const ts = pools[pool].filter(
          (t) =>
            (!unhealthy.checked || t.health !== 'up') &&
            (!q || (t.scrapeUrl + ' ' + JSON.stringify(t.labels)).toLowerCase().includes(q)),
        );
        const up = pools[pool].filter((t) => t.health === 'up').length;
        if (ts.length === 0 && (unhealthy.checked || q)) continue;
        const rows = ts.map((t) =>
          el(
            'tr',
            { class: 'target', 'data-health': t.health },
            el('td', {}, el('a', { href: t.scrapeUrl, class: 'mono' }, t.scrapeUrl)),
            el('td', {}, el('span', { class: 'badge ' + t.health }, t.health.toUpperCase())),
            el(
              'td',
              {},
              C.labelChips(t.labels),
              el('details', {}, el('summary', { class: 'muted' }, 'discovered labels'), C.labelChips(t.discoveredLabels)),
            ),
            el('td', {}, C.fmtAgo(t.lastScrape)),
            el('td', { class: 'num' }, C.fmtDuration(t.lastScrapeDuration || 0)),
            el(
              'td',
              { class: 'error target-error' },
              t.lastError ? [t.lastError, ' ', queryLink('up{job="' + t.labels.job + '",instance="' + t.labels.instance + '"}', '(up)')] : '',
            ),
          ),
        );
        holder.appendChild(
          el(
            'div',
            { class: 'card pool', 'data-pool': pool },
            el('h2', {}, pool + ' ', el('span', { class: 'muted' }, '(' + up + '/' + pools[pool].length + ' up)')),
            table(['Endpoint', 'State', 'Labels', 'Last scrape', { text: 'Scrape duration', num: true }, 'Error'], rows),
          ),
        );
      }
      if (!holder.firstChild) holder.appendChild(el('div', { class: 'card muted' }, 'No targets.'));
    }
    unhealthy.addEventListener('change', draw);
    search.addEventListener('input', draw);
    draw();
  };

  C.pages['service-discovery'] = async function (main) {
    main.appendChild(el('h1', {}, 'Service discovery'));
    const data = await C.api('targets', { state: 'any' });
    const pools = {};
    for (const t of data.activeTargets) (pools[t.scrapePool] = pools[t.scrapePool] || []).push(t);
    for (const t of data.droppedTargets) (pools[t.scrapePool] = pools[t.scrapePool] || []).push(Object.assign({ dropped: true }, t));
    for (const pool of Object.keys(pools).sort()) {
      const active = pools[pool].filter((t) => !t.dropped).length;
      const dropped = (data.droppedTargetCounts || {})[pool] || pools[pool].length - active;
      const rows = pools[pool].map((t) =>
        el(
          'tr',
          { class: t.dropped ? 'dropped' : 'active' },
          el('td', {}, C.labelChips(t.discoveredLabels)),
          el('td', {}, t.dropped ? el('span', { class: 'badge' }, 'Dropped') : C.labelChips(t.labels)),
        ),
      );
      main.appendChild(
        el(
          'div',
          { class: 'card' },
          el('h2', {}, pool + ' ', el('span', { class: 'muted' }, '(' + active + ' active / ' + dropped + ' dropped)')),
          table(['Discovered labels', 'Target labels'], rows),
        ),
      );
    }
    if (Object.keys(pools).length === 0) main.appendChild(el('div', { class: 'card muted' }, 'No scrape pools.'));
  };

  function ruleState(r) {
    if (r.health === 'err') return el('span', { class: 'badge err' }, 'ERR');
    return el('span', { class: 'badge ' + (r.health || 'unknown') }, (r.health || 'unknown').toUpperCase());
  }

  C.pages.rules = async function (main) {
    main.appendChild(el('h1', {}, 'Rules'));
    const data = await C.api('rules');
    if (data.groups.length === 0) main.appendChild(el('div', { class: 'card muted' }, 'No rule groups configured.'));
    for (const g of data.groups) {
      const rows = g.rules.map((r) =>
        el(
          'tr',
          { class: 'rule' },
          el(
            'td',
            {},
            el('div', {}, el('strong', {}, (r.type === 'alerting' ? 'alert: ' : 'record: ') + r.name)),
            el('pre', { class: 'mono' }, r.query),
            r.labels && Object.keys(r.labels).length ? el('div', {}, C.labelChips(r.labels)) : null,
          ),
          el('td', {}, ruleState(r), ' ', r.evaluationMode ? el('span', { class: 'badge ' + (r.evaluationMode === 'streaming' ? 'streaming' : '') }, r.evaluationMode) : null),
          el('td', {}, C.fmtAgo(r.lastEvaluation)),
          el('td', { class: 'num' }, C.fmtDuration(r.evaluationTime || 0)),
          el('td', { class: 'error' }, r.lastError || (r.evaluationModeReason ? el('span', { class: 'muted' }, r.evaluationModeReason) : '')),
        ),
      );
      main.appendChild(
        el(
          'div',
          { class: 'card rule-group' },
          el('h2', {}, g.name + ' ', el('span', { class: 'muted' }, g.file + ' · every ' + C.fmtDuration(g.interval) + ' · last ' + C.fmtAgo(g.lastEvaluation))),
          table(['Rule', 'State', 'Last evaluation', { text: 'Evaluation time', num: true }, 'Error'], rows),
        ),
      );
    }
  };

  C.pages.alerts = async function (main) {
    main.appendChild(el('h1', {}, 'Alerts'));
    const shown = { inactive: true, pending: true, firing: true };
    const boxes = el('div', { class: 'row' });
    const holder = el('div', { id: 'alert-groups' });
    main.append(boxes, holder);
    const data = await C.api('rules', { type: 'alert' });
    const counts = { inactive: 0, pending: 0, firing: 0 };
    for (const g of data.groups) for (const r of g.rules) counts[r.state] = (counts[r.state] || 0) + 1;
    for (const s of ['inactive', 'pending', 'firing']) {
      const cb = el('input', { type: 'checkbox', checked: true, class: 'show-' + s });
      cb.addEventListener('change', () => {
        shown[s] = cb.checked;
        draw();
      });
      boxes.appendChild(el('label', {}, cb, ' ', el('span', { class: 'badge ' + s }, s + ' (' + counts[s] + ')')));
    }
    function draw() {
      C.clear(holder);
      for (const g of data.groups) {
        const rules = g.rules.filter((r) => shown[r.state]);
        if (!rules.length) continue;
        const card = el('div', { class: 'card alert-group' }, el('h2', {}, g.name + ' ', el('span', { class: 'muted' }, g.file)));
        for (const r of rules) {
          const alerts = (r.alerts || []).map((a) =>
            el(
              'tr',
              { class: 'alert' },
              el('td', {}, C.labelChips(a.labels)),
              el('td', {}, el('span', { class: 'badge ' + a.state }, a.state)),
              el('td', {}, a.activeAt ? C.fmtAgo(a.activeAt) : ''),
              el('td', { class: 'num mono' }, a.value),
              el(
                'td',
                {},
                Object.keys(a.annotations || {})
                  .sort()
                  .map((k) => el('div', {}, el('strong', {}, k + ': '), a.annotations[k])),
              ),
            ),
          );
          card.appendChild(
            el(
              'details',
              { class: 'alert-rule', 'data-state': r.state, open: r.state !== 'inactive' },
              el(
                'summary',
                {},
                el('span', { class: 'badge ' + r.state }, r.state.toUpperCase()),
                ' ',
                el('strong', {}, r.name),
                ' ',
                el('span', { class: 'muted' }, '(' + (r.alerts || []).length + ' active)'),
                r.lastError ? el('span', { class: 'error' }, ' ' + r.lastError) : null,
              ),
              el(
                'pre',
                { class: 'mono card' },
                'alert: ' + r.name + '\nexpr: ' + r.query +
                  (r.duration ? '\nfor: ' + C.fmtDuration(r.duration) : '') +
                  (r.keepFiringFor ? '\nkeep_firing_for: ' + C.fmtDuration(r.keepFiringFor) : '') +
                  (r.labels && Object.keys(r.labels).length ? '\nlabels:\n' + Object.entries(r.labels).map(([k, v]) => '  ' + k + ': ' + v).join('\n') : '') +
                  (r.annotations && Object.keys(r.annotations).length ? '\nannotations:\n' + Object.entries(r.annotations).map(([k, v]) => '  ' + k + ': ' + v).join('\n') : ''),
              ),
              alerts.length ? table(['Labels', 'State', 'Active since', { text: 'Value', num: true }, 'Annotations'], alerts) : null,
            ),
          );
        }
        holder.appendChild(card);
      }
      if (!holder.firstChild) holder.appendChild(el('div', { class: 'card muted' }, 'No alerting rules.'));
    }
    draw();
  };

  C.pages.config = async function (main) {
    main.appendChild(el('h1', {}, 'Configuration'));
    const data = await C.api('status/config');
    const pre = el('pre', { class: 'mono card', id: 'config-yaml' }, data.yaml);
    main.appendChild(el('button', { onclick: () => navigator.clipboard && navigator.clipboard.writeText(data.yaml) }, 'Copy to clipboard'));
    main.appendChild(pre);
  };

  C.pages.flags = async function (main) {
    main.appendChild(el('h1', {}, 'Command-line flags'));
    const filter = el('input', { type: 'text', placeholder: 'Filter', id: 'flag-filter', size: 40 });
    const holder = el('div');
    main.append(el('div', { class: 'row' }, filter), holder);
    const data = await C.api('status/flags');
    function draw() {
      const q = filter.value.toLowerCase();
      const rows = Object.keys(data)
        .sort()
        .filter((k) => !q || k.toLowerCase().includes(q) || String(data[k]).toLowerCase().includes(q))
        .map((k) => el('tr', {}, el('td', { class: 'mono' }, '--' + k), el('td', { class: 'mono' }, data[k])));
      C.clear(holder).appendChild(table(['Flag', 'Value'], rows, 'flags'));
    }
    filter.addEventListener('input', draw);
    draw();
  };

  function kvTable(obj, labels) {
    return table(
      ['', ''],
      Object.keys(obj).map((k) => el('tr', {}, el('th', {}, (labels && labels[k]) || k), el('td', { class: 'mono' }, String(obj[k])))),
    );
  }

  C.pages.status = async function (main) {
    main.appendChild(el('h1', {}, 'Runtime & build information'));
    const [rt, build, ams] = await Promise.all([
      C.api('status/runtimeinfo'),
      C.api('status/buildinfo'),
      C.api('alertmanagers').catch(() => ({ activeAlertmanagers: [] })),
    ]);
    main.appendChild(el('div', { class: 'card runtime' }, el('h2', {}, 'Runtime information'), kvTable(rt, {
      startTime: 'Start time',
      CWD: 'Working directory',
      reloadConfigSuccess: 'Configuration reload',
      lastConfigTime: 'Last successful configuration reload',
      corruptionCount: 'WAL corruptions',
      goroutineCount: 'Goroutines',
      GOMAXPROCS: 'GOMAXPROCS',
      GOGC: 'GOGC',
      GODEBUG: 'GODEBUG',
      storageRetention: 'Storage retention',
    })));
    main.appendChild(el('div', { class: 'card build' }, el('h2', {}, 'Build information'), kvTable(build)));
    const rows = (ams.activeAlertmanagers || []).map((a) => el('tr', {}, el('td', { class: 'mono' }, a.url)));
    main.appendChild(el('div', { class: 'card' }, el('h2', {}, 'Alertmanagers'), rows.length ? table(['Endpoint'], rows) : el('div', { class: 'muted' }, 'None configured.')));
  };

  function statTable(title, list, valueLabel, cls) {
    const max = Math.max(1, ...list.map((s) => s.value));
    const rows = list.map((s) =>
      el('tr', {}, el('td', { class: 'mono' }, s.name), el('td', { class: 'num' }, C.fmtNumber(s.value)), el('td', { class: 'barcell' }, el('div', { class: 'bar', style: 'width:' + (100 * s.value) / max + '%' }))),
    );
    return el('div', { class: 'card ' + (cls || '') }, el('h2', {}, title), table(['Name', { text: valueLabel, num: true }, ''], rows));
  }
  C.statTable = statTable;

  C.pages['tsdb-status'] = async function (main) {
    main.appendChild(el('h1', {}, 'TSDB status'));
    const d = await C.api('status/tsdb');
    const h = d.headStats;
    main.appendChild(
      el(
        'div',
        { class: 'card head-stats' },
        el('h2', {}, 'Head'),
        kvTable(
          {
            'Number of series': C.fmtNumber(h.numSeries),
            'Number of chunks': C.fmtNumber(h.chunkCount),
            'Number of label pairs': C.fmtNumber(h.numLabelPairs),
            'Current min time': h.numSeries ? C.fmtTime(h.minTime / 1000) + ' (' + h.minTime + ')' : '',
            'Current max time': h.numSeries ? C.fmtTime(h.maxTime / 1000) + ' (' + h.maxTime + ')' : '',
          },
        ),
      ),
    );
    main.appendChild(statTable('Top 10 series count by metric names', d.seriesCountByMetricName, 'Count'));
    main.appendChild(statTable('Top 10 label names with value count', d.labelValueCountByLabelName, 'Count'));
    main.appendChild(statTable('Top 10 label names with high memory usage', d.memoryInBytesByLabelName, 'Bytes'));
    main.appendChild(statTable('Top 10 series count by label value pairs', d.seriesCountByLabelValuePair, 'Count'));
  };
})();

// Pages only Cardinal has: the cardinality explorer (what grows, and from which labels) and the
// limits page (the global series limit, sample_limit, and how many more series fit).
(function () {
  'use strict';
  const C = window.Cardinal;
  const el = C.el;

  const table = C.table;

  function bar(fraction) {
    const pct = Math.max(0, Math.min(1, fraction)) * 100;
    return el('div', { class: 'bar' + (fraction >= 0.9 ? ' crit' : fraction >= 0.7 ? ' warn' : ''), style: 'width:' + pct + '%' });
  }

  function setParams(params) {
    const p = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(params)) {
      if (v === null || v === undefined || v === '') p.delete(k);
      else p.set(k, v);
    }
    history.pushState(null, '', '?' + p.toString());
  }

  C.pages.cardinality = async function (main) {
    const p = new URLSearchParams(location.search);
    const limit = Number(p.get('limit')) || 20;
    main.appendChild(el('h1', {}, 'Cardinality explorer'));
    const limitSel = el('select', { id: 'card-limit' }, [10, 20, 50, 100].map((n) => el('option', { value: n, selected: n === limit }, 'top ' + n)));
    limitSel.addEventListener('change', () => {
      setParams({ limit: limitSel.value });
      rerender();
    });
    main.appendChild(el('div', { class: 'row' }, limitSel, el('button', { onclick: rerender }, 'Refresh')));
    const holder = el('div', { id: 'cardinality' });
    main.appendChild(holder);
    async function rerender() {
      const q = new URLSearchParams(location.search);
      C.clear(holder);
      try {
        if (q.get('metric')) await drillMetric(holder, q.get('metric'));
        else if (q.get('pair')) await drillPair(holder, q.get('pair'));
        else await overview(holder, Number(q.get('limit')) || 20);
      } catch (e) {
        C.showError(holder, e);
      }
    }
    window.addEventListener('popstate', rerender);
    C.cardinalityRerender = rerender;
    await rerender();
  };

  function drillTo(params) {
    setParams(Object.assign({ metric: null, pair: null }, params));
    C.cardinalityRerender();
  }

  async function overview(holder, limit) {
    const d = await C.api('status/tsdb', { limit: limit });
    const h = d.headStats;
    const span = d.seriesCreatedSince ? C.fmtDuration(Math.max(0, (Date.now() - d.seriesCreatedSince) / 1000)) : 'since start';
    holder.appendChild(
      el(
        'div',
        { class: 'grid' },
        el('div', { class: 'card summary-series' }, el('div', { class: 'muted' }, 'Series in the head'), el('div', { class: 'big' }, C.fmtNumber(h.numSeries))),
        el('div', { class: 'card summary-pairs' }, el('div', { class: 'muted' }, 'Label pairs'), el('div', { class: 'big' }, C.fmtNumber(h.numLabelPairs))),
        el('div', { class: 'card summary-churn' }, el('div', { class: 'muted' }, 'New series in the last ' + span), el('div', { class: 'big' }, C.fmtNumber(d.seriesCreated))),
      ),
    );
    const total = Math.max(1, h.numSeries);
    const metricRows = d.seriesCountByMetricName.map((s) =>
      el(
        'tr',
        {},
        el('td', {}, el('a', { class: 'drill metric-link', onclick: () => drillTo({ metric: s.name }) }, s.name)),
        el('td', { class: 'num' }, C.fmtNumber(s.value)),
        el('td', { class: 'num' }, ((100 * s.value) / total).toFixed(1) + '%'),
        el('td', { class: 'barcell' }, bar(s.value / total)),
      ),
    );
    holder.appendChild(el('div', { class: 'card by-metric' }, el('h2', {}, 'Series per metric name'), table(['Metric', { text: 'Series', num: true }, { text: 'Share', num: true }, ''], metricRows)));
    const churnMax = Math.max(1, ...d.seriesCreatedByMetricName.map((s) => s.value));
    const churnRows = d.seriesCreatedByMetricName.map((s) =>
      el('tr', {}, el('td', {}, el('a', { class: 'drill', onclick: () => drillTo({ metric: s.name }) }, s.name)), el('td', { class: 'num' }, C.fmtNumber(s.value)), el('td', { class: 'barcell' }, bar(s.value / churnMax))),
    );
    holder.appendChild(
      el(
        'div',
        { class: 'card churn' },
        el('h2', {}, 'Churn: new series per metric in the last ' + span),
        churnRows.length ? table(['Metric', { text: 'New series', num: true }, ''], churnRows) : el('div', { class: 'muted' }, 'No new series.'),
      ),
    );
    holder.appendChild(C.statTable('Distinct values per label name', d.labelValueCountByLabelName, 'Values', 'by-label'));
    const memRows = d.memoryInBytesByLabelName.map((s) => el('tr', {}, el('td', { class: 'mono' }, s.name), el('td', { class: 'num' }, C.fmtBytes(s.value))));
    holder.appendChild(el('div', { class: 'card by-memory' }, el('h2', {}, 'Memory of label values per label name'), table(['Label', { text: 'Memory', num: true }], memRows)));
    const pairRows = d.seriesCountByLabelValuePair.map((s) =>
      el(
        'tr',
        {},
        el('td', {}, el('a', { class: 'drill pair-link', onclick: () => drillTo({ pair: s.name }) }, s.name)),
        el('td', { class: 'num' }, C.fmtNumber(s.value)),
        el('td', { class: 'barcell' }, bar(s.value / total)),
      ),
    );
    holder.appendChild(el('div', { class: 'card by-pair' }, el('h2', {}, 'Series per label pair'), table(['Label pair', { text: 'Series', num: true }, ''], pairRows)));
  }

  function back() {
    return el('a', { class: 'drill back', onclick: () => drillTo({}) }, '← all metrics');
  }

  function quote(v) {
    return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  }

  async function drillMetric(holder, metric) {
    const selector = '{__name__=' + quote(metric) + '}';
    holder.appendChild(el('div', { class: 'row' }, back()));
    holder.appendChild(el('h2', { class: 'drill-title' }, 'Metric ' + metric));
    const names = (await C.api('labels', { 'match[]': selector })).filter((n) => n !== '__name__');
    const counts = await Promise.all(names.map((n) => C.api('label/' + encodeURIComponent(n) + '/values', { 'match[]': selector })));
    // Series that stopped (staleness markers, churn) are not "now" but still cost the head.
    const [now, hour] = await Promise.all([
      C.api('query', { query: 'count(' + selector + ')' }),
      C.api('query', { query: 'count(last_over_time(' + selector + '[1h]))' }),
    ]);
    const first = (r) => (r.result.length ? Number(r.result[0].value[1]) : 0);
    holder.appendChild(
      el(
        'div',
        { class: 'card' },
        el('span', { class: 'muted' }, 'Series with samples in the last hour: '),
        el('strong', { class: 'metric-series' }, C.fmtNumber(first(hour))),
        el('span', { class: 'muted' }, ' · with a current sample: '),
        el('strong', { class: 'metric-series-now' }, C.fmtNumber(first(now))),
      ),
    );
    const max = Math.max(1, ...counts.map((c) => c.length));
    const rows = names
      .map((n, i) => ({ n: n, values: counts[i] }))
      .sort((a, b) => b.values.length - a.values.length)
      .map((x) =>
        el(
          'tr',
          { class: 'label-row' },
          el('td', { class: 'mono' }, x.n),
          el('td', { class: 'num' }, C.fmtNumber(x.values.length)),
          el('td', { class: 'barcell' }, bar(x.values.length / max)),
          el('td', { class: 'mono muted' }, x.values.slice(0, 5).join(', ') + (x.values.length > 5 ? ', …' : '')),
        ),
      );
    holder.appendChild(el('div', { class: 'card metric-labels' }, el('h2', {}, 'Labels of ' + metric + ' by distinct values'), table(['Label', { text: 'Values', num: true }, '', 'Examples'], rows)));
    await seriesList(holder, selector);
  }

  async function drillPair(holder, pair) {
    const i = pair.indexOf('=');
    const selector = '{' + pair.slice(0, i) + '=' + quote(pair.slice(i + 1)) + '}';
    holder.appendChild(el('div', { class: 'row' }, back()));
    holder.appendChild(el('h2', { class: 'drill-title' }, 'Label pair ' + pair));
    const byMetric = await C.api('query', { query: 'sort_desc(count by (__name__) (' + selector + '))' });
    const rows = byMetric.result.map((r) =>
      el('tr', {}, el('td', {}, el('a', { class: 'drill', onclick: () => drillTo({ metric: r.metric.__name__ }) }, r.metric.__name__ || '')), el('td', { class: 'num' }, C.fmtNumber(Number(r.value[1])))),
    );
    holder.appendChild(el('div', { class: 'card' }, el('h2', {}, 'Metrics with ' + pair), table(['Metric', { text: 'Series', num: true }], rows)));
    await seriesList(holder, selector);
  }

  async function seriesList(holder, selector) {
    const shown = 100;
    const list = await C.api('series', { 'match[]': selector, limit: shown });
    const rows = list.map((m) => el('tr', { class: 'series-row' }, el('td', { class: 'mono' }, C.seriesName(m))));
    holder.appendChild(
      el(
        'div',
        { class: 'card series-list' },
        el('h2', {}, 'Series (first ' + shown + ')'),
        table(['Series'], rows),
      ),
    );
  }

  C.pages.limits = async function (main) {
    main.appendChild(el('h1', {}, 'Limits'));
    const holder = el('div', { id: 'limits' });
    main.append(el('div', { class: 'row' }, el('button', { onclick: () => draw() }, 'Refresh')), holder);
    async function draw() {
      const d = await C.api('status/limits');
      C.clear(holder);
      const used = d.seriesLimit > 0 ? d.headSeries / d.seriesLimit : null;
      const hr = d.headroom;
      holder.appendChild(
        el(
          'div',
          { class: 'grid' },
          el(
            'div',
            { class: 'card series-limit' },
            el('div', { class: 'muted' }, 'Global series limit (--storage.tsdb.head.max-series)'),
            el('div', { class: 'big' }, C.fmtNumber(d.headSeries) + ' / ' + (d.seriesLimit > 0 ? C.fmtNumber(d.seriesLimit) : 'no limit')),
            used !== null ? el('div', {}, bar(used), el('span', { class: 'muted used' }, (100 * used).toFixed(1) + '% used')) : null,
          ),
          el(
            'div',
            { class: 'card skipped' },
            el('div', { class: 'muted' }, 'Samples skipped since start'),
            el('div', {}, 'by sample_limit: ', el('strong', { class: 'skipped-sample-limit' }, C.fmtNumber(d.samplesSkippedBySampleLimitTotal))),
            el('div', {}, 'by the global series limit: ', el('strong', { class: 'skipped-series-limit' }, C.fmtNumber(d.samplesSkippedBySeriesLimitTotal))),
          ),
          el(
            'div',
            { class: 'card headroom' },
            el('div', { class: 'muted' }, 'Headroom: how many more series fit on this server'),
            el('div', { class: 'big more-series' }, hr.moreSeries >= 0 ? C.fmtNumber(hr.moreSeries) : 'unknown'),
            el(
              'div',
              { class: 'muted' },
              (hr.moreSeriesByLimit >= 0 ? 'by the limit ' + C.fmtNumber(hr.moreSeriesByLimit) + '; ' : '') +
                (hr.moreSeriesByMemory >= 0
                  ? 'by memory ' + C.fmtNumber(hr.moreSeriesByMemory) + ': the capacity calculator\'s model of this server, ' +
                    C.fmtNumber(hr.seriesThatFit) + ' series fit in the ' + C.fmtBytes(hr.heapMaxBytes) + ' heap after ' +
                    Math.round(hr.reservedFraction * 100) + '% reserved, at ' + C.fmtBytes(hr.bytesPerSeries) + ' of heap per series now' +
                    (hr.lingeringSeries > 0 ? ', ' + C.fmtNumber(hr.lingeringSeries) + ' kept for churn' : '')
                  : 'by memory: unknown until the head holds series'),
            ),
          ),
        ),
      );
      const chartCard = el('div', { class: 'card limit-history' }, el('h2', {}, 'Head series over the last hour'));
      const chart = el('div', { class: 'chart' });
      chartCard.appendChild(chart);
      holder.appendChild(chartCard);
      const xs = d.seriesHistory.map((p) => p[0]);
      const series = [{ label: 'head series', values: d.seriesHistory.map((p) => p[1]) }];
      if (d.seriesLimit > 0) series.push({ label: 'limit', values: xs.map(() => d.seriesLimit), color: '#cf222e', dash: [6, 4] });
      C.chart(chart, xs, series, { height: 240 });

      const jobRows = d.jobs.map((j) =>
        el(
          'tr',
          { class: 'job-row' },
          el('td', {}, j.job),
          el('td', { class: 'num' }, j.targets),
          el('td', { class: 'num' }, C.fmtNumber(j.maxSamples)),
          el('td', { class: 'num' }, j.sampleLimit > 0 ? C.fmtNumber(j.sampleLimit) : 'none'),
          el('td', { class: 'num fraction' }, j.fraction !== null ? (100 * j.fraction).toFixed(1) + '%' : ''),
          el('td', { class: 'barcell' }, j.fraction !== null ? bar(j.fraction) : ''),
        ),
      );
      holder.appendChild(
        el('div', { class: 'card jobs' }, el('h2', {}, 'Jobs nearest their sample_limit'), table(['Job', { text: 'Targets', num: true }, { text: 'Largest scrape', num: true }, { text: 'sample_limit', num: true }, { text: 'Use', num: true }, ''], jobRows)),
      );
      const targets = d.targets
        .slice()
        .sort((a, b) => b.samplesSkippedBySampleLimit + b.samplesSkippedBySeriesLimit - (a.samplesSkippedBySampleLimit + a.samplesSkippedBySeriesLimit) || b.samples - a.samples);
      const targetRows = targets.map((t) =>
        el(
          'tr',
          { class: 'target-row' + (t.samplesSkippedBySampleLimit + t.samplesSkippedBySeriesLimit > 0 ? ' skipping' : '') },
          el('td', {}, t.scrapePool),
          el('td', { class: 'mono' }, t.scrapeUrl),
          el('td', { class: 'num' }, C.fmtNumber(t.samples)),
          el('td', { class: 'num' }, t.sampleLimit > 0 ? C.fmtNumber(t.sampleLimit) : 'none'),
          el('td', { class: 'num skipped-sample' }, C.fmtNumber(t.samplesSkippedBySampleLimit)),
          el('td', { class: 'num skipped-series' }, C.fmtNumber(t.samplesSkippedBySeriesLimit)),
        ),
      );
      holder.appendChild(
        el(
          'div',
          { class: 'card targets-skipped' },
          el('h2', {}, 'Samples skipped by the last scrape of each target'),
          table(['Job', 'Target', { text: 'Samples', num: true }, { text: 'sample_limit', num: true }, { text: 'Skipped by sample_limit', num: true }, { text: 'Skipped by series limit', num: true }], targetRows),
        ),
      );
    }
    await draw();
  };
})();

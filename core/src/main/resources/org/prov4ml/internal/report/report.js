/*
 * prov4ml's report page: builds every section from the JSON data island. Charts are uPlot, the provenance
 * graph is Cytoscape.js laid out by dagre; this file only arranges data for them. Nothing is fetched: the page
 * works from a file, offline. window.prov4ml exposes the charts and the graph (the tests read them there).
 */
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var compare = data.kind === 'compare';
  var api = { data: data, charts: [], graph: null };
  window.prov4ml = api;
  decode();

  // ---- the data island is written compactly (ReportData); it is made plain objects here, once ----
  function undelta(list) {
    var v = 0;
    return list.map(function (d) { v += d; return v; });
  }
  function decode() {
    data.charts.forEach(function (c) {
      c.system = !!c.system;
      c.series.forEach(function (s) {
        s.run = s.run || 0;
        s.rank = s.rank || 0;
        s.t = undelta(s.t);
        if (c.system) {
          s.steps = undelta(s.steps);
          s.x = s.t.map(function (t) { return t / 1000; });
        } else {
          s.x = undelta(s.x);
        }
        s.shown = s.x.length;
        if (s.total === undefined) s.total = s.shown;
        s.downsampled = !!s.downsampled;
        s.nonFinite = s.nonFinite || 0;
        if (!s.last && s.shown) {
          var n = s.shown - 1;
          s.last = { step: c.system ? s.steps[n] : s.x[n], value: s.y[n], time: s.t[n] };
        }
      });
    });
    data.runs.forEach(function (run) {
      var g = run.graph;
      if (!g) return;
      var strings = g.strings;
      var text = function (v) {
        return typeof v === 'number' ? strings[v] : Array.isArray(v) ? strings[v[0]] + v[1] : v;
      };
      var nodes = g.nodes.map(function (a) {
        var attributes = {};
        for (var i = 0; i < a[4].length; i += 2) attributes[strings[a[4][i]]] = text(a[4][i + 1]);
        return { id: a[0], kind: strings[a[1]], group: a[2] === null ? undefined : strings[a[2]], rank: a[3],
          attributes: attributes, label: a.length > 5 ? a[5] : attributes['prov:label'],
          type: attributes['prov:type'] };
      });
      var end = function (v) { return typeof v === 'number' ? nodes[v].id : v; };
      run.graph = { nodes: nodes, edges: g.edges.map(function (e) {
        return { from: end(e[0]), to: end(e[1]), kind: strings[e[2]] };
      }) };
    });
  }

  var CONTEXT_COLORS = { TRAINING: '#1c7ed6', VALIDATION: '#f76707', TESTING: '#2f9e44', SYSTEM: '#7048e8' };
  var PALETTE = ['#1c7ed6', '#f76707', '#2f9e44', '#ae3ec9', '#e03131', '#0c8599', '#5c940d', '#d6336c', '#495057',
    '#f59f00'];
  var DASHES = { TRAINING: null, VALIDATION: [7, 4], TESTING: [2, 3] };
  var CHART_HEIGHT = 240;
  // Steps are whole numbers: tick spacings of 1, 2, 5, 10, 20, 50, ...
  var STEP_INCRS = [];
  for (var e = 0; e < 16; e++) [1, 2, 5].forEach(function (m) { STEP_INCRS.push(m * Math.pow(10, e)); });

  // ---- DOM helpers: text is always set as text, never parsed as markup ----
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'text') node.textContent = v;
        else if (k === 'class') node.className = v;
        else if (k === 'style') node.style.cssText = v;
        else if (k.indexOf('on') === 0) node.addEventListener(k.substring(2), v);
        else node.setAttribute(k, v === true ? '' : v);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function show(id) { $(id).hidden = false; }

  // ---- formatting ----
  var NUMBER = new Intl.NumberFormat('en-US');
  function count(n) { return NUMBER.format(n); }
  function value(v) {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'string') return v === 'Infinity' ? '+Inf' : v === '-Infinity' ? '-Inf' : v;
    if (Number.isInteger(v)) return String(v);
    var a = Math.abs(v);
    return a !== 0 && (a < 1e-4 || a >= 1e7) ? v.toExponential(5) : String(+v.toPrecision(7));
  }
  function bytes(n) {
    if (n === undefined || n < 0) return '—';
    var units = ['B', 'KB', 'MB', 'GB', 'TB'];
    var i = 0;
    var x = n;
    while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
    return (i === 0 ? x : x.toFixed(x < 10 ? 1 : 0)) + ' ' + units[i];
  }
  function time(iso) {
    if (!iso) return '—';
    var d = new Date(iso);
    return isNaN(d) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC').replace(/Z$/, ' UTC');
  }
  function clock(ms) {
    var d = new Date(ms);
    return d.toISOString().replace('T', ' ').replace('Z', ' UTC');
  }
  function duration(ms) {
    if (ms === undefined) return '—';
    if (ms < 1000) return ms + ' ms';
    var s = ms / 1000;
    if (s < 60) return s.toFixed(s < 10 ? 2 : 1) + ' s';
    var m = Math.floor(s / 60);
    var h = Math.floor(m / 60);
    return h > 0 ? h + ' h ' + (m % 60) + ' min' : m + ' min ' + Math.round(s % 60) + ' s';
  }
  function numeric(v) {
    if (typeof v === 'number') return v;
    if (v === 'NaN') return NaN;
    if (v === 'Infinity') return Infinity;
    if (v === '-Infinity') return -Infinity;
    return NaN;
  }

  // ---- header ----
  function header() {
    var runs = data.runs;
    var first = runs[0];
    $('kind-label').textContent = compare ? '· comparison of ' + runs.length + ' runs' : '· run report';
    $('title').textContent = compare ? runs.map(function (r) { return r.name; }).join('  vs  ') : first.name;
    if (!compare) {
      var status = $('status');
      status.textContent = first.status === 'RUNNING' ? 'IN PROGRESS' : first.status;
      status.className = 'badge ' + first.status;
      if (first.statusDetail) {
        $('status-detail').textContent = first.statusDetail;
        show('status-detail');
      }
      var facts = [
        ['Experiment', first.experiment], ['Run', first.name + ' (id ' + first.runId + ')'],
        ['Start', time(first.start)], ['End', first.end ? time(first.end) : 'not ended'],
        ['Duration', duration(first.durationMs)], ['Host', first.host], ['JVM', first.jvm],
        ['prov4ml', first.prov4ml], ['User', first.user], ['Program', first.program]
      ];
      if (first.ranks.length > 1) facts.push(['Ranks', first.ranks.map(function (r) { return r.rank; }).join(', ')]);
      Object.keys(first.tags || {}).forEach(function (k) { facts.push(['Tag ' + k, first.tags[k]]); });
      var dl = $('facts');
      facts.forEach(function (f) {
        if (f[1] === undefined || f[1] === null) return;
        dl.appendChild(el('div', null, el('dt', { text: f[0] }), el('dd', { text: f[1], title: f[1] })));
      });
      // The page comes from the run directory, which is untrusted: only http(s) is ever a link, the rest is text.
      var mlflowLink = first.mlflow && /^https?:\/\//i.test(first.mlflow);
      dl.appendChild(el('div', null, el('dt', { text: 'MLflow' }), el('dd', null, mlflowLink
        ? el('a', { href: first.mlflow, text: 'open the run in MLflow', title: first.mlflow })
        : first.mlflowText ? el('span', { text: first.mlflowText + ' (not a web address, not linked)' })
        : 'not uploaded')));
      dl.appendChild(el('div', null, el('dt', { text: 'Directory' }), el('dd', { text: first.dir, title: first.dir })));
    } else {
      $('status').hidden = true;
      runTable();
    }
    $('footer').textContent = 'Generated by ' + data.generator + ' at ' + time(data.generatedAt) + ' from '
      + runs.map(function (r) { return r.dir; }).join(', ') + '. Works offline: everything is in this file.';
  }

  function runTable() {
    show('runs');
    var t = $('run-table');
    t.appendChild(el('thead', null, el('tr', null, el('th', { text: '' }), el('th', { text: 'Run' }),
      el('th', { text: 'Status' }), el('th', { text: 'Start' }), el('th', { text: 'Duration' }),
      el('th', { text: 'Host' }), el('th', { text: 'Directory' }))));
    var body = el('tbody');
    data.runs.forEach(function (r, i) {
      body.appendChild(el('tr', null,
        el('td', null, el('span', { class: 't-dot', style: 'display:inline-block;width:10px;height:10px;border-radius:50%;background:' + PALETTE[i % PALETTE.length] })),
        el('td', { class: 'name', text: r.name }),
        el('td', null, el('span', { class: 'badge ' + r.status, text: r.status === 'RUNNING' ? 'IN PROGRESS' : r.status })),
        el('td', { text: time(r.start) }), el('td', { class: 'num', text: duration(r.durationMs) }),
        el('td', { text: r.host || '—' }), el('td', { class: 'value', text: r.dir })));
    });
    t.appendChild(body);
  }

  // ---- params ----
  function params() {
    var names = [];
    var seen = {};
    var values = data.runs.map(function (r) {
      var m = {};
      r.params.forEach(function (p) {
        m[p[0]] = p[1];
        if (!seen[p[0]]) { seen[p[0]] = true; names.push(p[0]); }
      });
      return m;
    });
    $('param-count').textContent = '(' + names.length + ')';
    if (names.length === 0) { show('param-empty'); $('param-table').hidden = true; return; }
    var t = $('param-table');
    var head = el('tr', null, el('th', { text: 'Name' }));
    if (compare) data.runs.forEach(function (r) { head.appendChild(el('th', { text: r.name })); });
    else head.appendChild(el('th', { text: 'Value' }));
    t.appendChild(el('thead', null, head));
    var body = el('tbody');
    var rows = names.map(function (name) {
      var cells = values.map(function (m) { return m[name]; });
      var differs = compare && cells.some(function (v) { return v !== cells[0]; });
      var row = el('tr', { class: differs ? 'diff' : null, 'data-param': name }, el('td', { class: 'name', text: name }));
      cells.forEach(function (v) {
        row.appendChild(el('td', { class: v === undefined ? 'value absent' : 'value', text: v === undefined ? '—' : v }));
      });
      row.searchText = (name + ' ' + cells.join(' ')).toLowerCase();
      body.appendChild(row);
      return row;
    });
    t.appendChild(body);
    var search = $('param-search');
    var diffOnly = $('diff-only');
    if (compare) $('diff-only-label').hidden = false;
    function filter() {
      var q = search.value.trim().toLowerCase();
      rows.forEach(function (row) {
        row.hidden = (q && row.searchText.indexOf(q) < 0) || (diffOnly.checked && !row.classList.contains('diff'));
      });
    }
    search.addEventListener('input', filter);
    diffOnly.addEventListener('change', filter);
  }

  // ---- charts ----
  var tooltip = $('tooltip');

  function seriesLabel(s) {
    var run = data.runs[s.run];
    if (compare) return run.name + ' · ' + s.context + (run.ranks.length > 1 ? ' · rank ' + s.rank : '');
    return s.context;
  }
  function seriesStroke(s, i) {
    if (compare) return PALETTE[s.run % PALETTE.length];
    return CONTEXT_COLORS[s.context] || PALETTE[(i + 3) % PALETTE.length];
  }

  /** Aligns series on one x axis for uPlot; NaN/Inf become null (a gap) and are listed to be marked. */
  function align(list) {
    var tables = list.map(function (s) {
      return [s.x, s.y.map(function (v) { return typeof v === 'number' ? v : null; })];
    });
    var aligned = uPlot.join(tables);
    var marks = [];
    list.forEach(function (s, i) {
      s.y.forEach(function (v, j) { if (typeof v !== 'number') marks.push({ series: i + 1, x: s.x[j], kind: v }); });
    });
    return { data: aligned, marks: marks };
  }

  /** Draws the non-finite points as triangles on the plot's edge: NaN and +Inf at the top, -Inf at the bottom. */
  function markPlugin(marks) {
    return {
      hooks: {
        draw: function (u) {
          if (!marks.length) return;
          var ctx = u.ctx;
          ctx.save();
          marks.forEach(function (m) {
            if (!u.series[m.series].show) return;
            var x = u.valToPos(m.x, 'x', true);
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) return;
            var top = m.kind !== '-Infinity';
            var y = top ? u.bbox.top + 2 : u.bbox.top + u.bbox.height - 2;
            var s = 6 * devicePixelRatio;
            ctx.fillStyle = m.kind === 'NaN' ? '#c92a2a' : '#e67700';
            ctx.beginPath();
            ctx.moveTo(x, top ? y + s : y - s);
            ctx.lineTo(x - s * 0.7, top ? y : y);
            ctx.lineTo(x + s * 0.7, top ? y : y);
            ctx.closePath();
            ctx.fill();
          });
          ctx.restore();
        }
      }
    };
  }

  function tooltipPlugin(list, overTime) {
    var timeByX = list.map(function (s) {
      var m = new Map();
      s.x.forEach(function (x, j) { m.set(x, j); });
      return m;
    });
    function hide() { tooltip.hidden = true; }
    return {
      hooks: {
        setCursor: function (u) {
          var idx = u.cursor.idx;
          if (idx === null || idx === undefined || u.cursor.left < 0) { hide(); return; }
          var x = u.data[0][idx];
          tooltip.textContent = '';
          var when = null;
          var rows = [];
          list.forEach(function (s, i) {
            if (!u.series[i + 1].show) return;
            var j = timeByX[i].get(x);
            if (j === undefined) return;
            when = s.t[j];
            rows.push(el('div', { class: 't-row' },
              el('span', { class: 't-dot', style: 'background:' + u.series[i + 1]._stroke }),
              el('span', { text: seriesLabel(s) + (overTime && s.steps ? ' (step ' + s.steps[j] + ')' : '') }),
              el('span', { class: 't-val', text: value(s.y[j]) })));
          });
          if (!rows.length) { hide(); return; }
          tooltip.appendChild(el('div', { class: 't-head', text: (overTime ? (compare ? x + ' s · ' : '')
            : 'step ' + x + ' · ')
            + (when !== null ? clock(when) : '') }));
          rows.forEach(function (r) { tooltip.appendChild(r); });
          tooltip.hidden = false;
          var rect = u.over.getBoundingClientRect();
          var left = rect.left + u.cursor.left + 14;
          var top = rect.top + u.cursor.top + 14;
          var w = tooltip.offsetWidth;
          if (left + w > window.innerWidth - 8) left = rect.left + u.cursor.left - w - 14;
          tooltip.style.left = left + 'px';
          tooltip.style.top = Math.min(top, window.innerHeight - tooltip.offsetHeight - 8) + 'px';
        },
        ready: function (u) { u.over.addEventListener('mouseleave', hide); }
      }
    };
  }

  /** The y axis as wide as its longest tick label. */
  function axisSize(u, values, axisIdx, cycleNum) {
    var axis = u.axes[axisIdx];
    if (cycleNum > 1) return axis._size;
    var longest = (values || []).reduce(function (a, v) { return v.length > a.length ? v : a; }, '');
    var size = axis.ticks.size + axis.gap + 8;
    if (longest) {
      u.ctx.font = axis.font[0];
      size += u.ctx.measureText(longest).width / devicePixelRatio;
    }
    return Math.ceil(size);
  }

  function makePlot(target, chart, list, log, syncKey) {
    var aligned = align(list);
    var finite = [];
    list.forEach(function (s) { s.y.forEach(function (v) { if (typeof v === 'number') finite.push(v); }); });
    var positive = finite.every(function (v) { return v > 0; });
    var series = [{ label: chart.system ? (compare ? 'seconds since the run started' : 'time') : 'step' }];
    list.forEach(function (s, i) {
      var few = s.shown <= 60;
      series.push({
        label: seriesLabel(s),
        stroke: seriesStroke(s, i),
        width: 1.6,
        dash: compare ? DASHES[s.context] || undefined : undefined,
        spanGaps: false,
        points: { show: few, size: few ? 6 : 0 },
        value: function (u, v) { return value(v); }
      });
    });
    var width = Math.max(280, target.clientWidth);
    var opts = {
      width: width,
      height: CHART_HEIGHT,
      series: series,
      scales: {
        x: { time: !!chart.system && !compare },
        y: log ? (positive ? { distr: 3 } : { distr: 4, asinh: 1 }) : {}
      },
      axes: [
        chart.system ? { stroke: '#5f6b7a', grid: { stroke: '#eef1f5' }, ticks: { stroke: '#dde3ea' },
          label: compare ? 'seconds since the run started' : null, labelSize: compare ? 24 : 0 }
          : { stroke: '#5f6b7a', grid: { stroke: '#eef1f5' }, ticks: { stroke: '#dde3ea' }, incrs: STEP_INCRS,
            values: function (u, vals) { return vals.map(function (v) { return count(v); }); } },
        { stroke: '#5f6b7a', grid: { stroke: '#eef1f5' }, ticks: { stroke: '#dde3ea' }, size: axisSize,
          values: function (u, vals) { return vals.map(function (v) { return value(v); }); } }
      ],
      cursor: { drag: { x: true, y: false }, sync: syncKey ? { key: syncKey } : undefined },
      legend: { live: false },
      plugins: [markPlugin(aligned.marks), tooltipPlugin(list, chart.system)]
    };
    return new uPlot(opts, aligned.data, target);
  }

  var CONTEXT_ORDER = ['TRAINING', 'VALIDATION', 'TESTING'];
  function contextOrder(c) {
    var i = CONTEXT_ORDER.indexOf(c);
    return i < 0 ? CONTEXT_ORDER.length : i;
  }

  function chartCard(chart, container, wide) {
    // The same order, so the same colours and legend, in every chart: by run, rank, then context.
    chart.series.sort(function (a, b) {
      return a.run - b.run || a.rank - b.rank || contextOrder(a.context) - contextOrder(b.context)
        || (a.context < b.context ? -1 : a.context > b.context ? 1 : 0);
    });
    var ranks = [];
    chart.series.forEach(function (s) { if (ranks.indexOf(s.rank) < 0) ranks.push(s.rank); });
    // Several ranks of one run: one chart per rank, side by side, cursors in step.
    var sideBySide = !compare && ranks.length > 1;
    var card = el('div', { class: 'chart-card' + (sideBySide || wide ? ' wide' : ''), 'data-key': chart.key });
    var logBox = el('input', { type: 'checkbox', class: 'log-scale' });
    var reset = el('button', { type: 'button', class: 'reset', text: 'Reset zoom' });
    card.appendChild(el('div', { class: 'chart-head' }, el('h3', { text: chart.key }),
      el('div', { class: 'tools' }, el('label', { class: 'switch' }, logBox, 'log scale'), reset)));
    var all = chart.series;
    if (compare && chart.system) {
      // Runs compared over time start together: seconds since each run's own start.
      all = all.map(function (s) {
        var start = Date.parse(data.runs[s.run].start) / 1000;
        return Object.assign({}, s, { x: s.x.map(function (x) { return +(x - start).toFixed(3); }) });
      });
    }
    var groups = sideBySide ? ranks.map(function (r) {
      return { rank: r, list: all.filter(function (s) { return s.rank === r; }) };
    }) : [{ rank: null, list: all }];
    var row = el('div', { class: sideBySide ? 'rank-row' : '' });
    card.appendChild(row);
    var slots = groups.map(function (g) {
      var box = el('div');
      if (sideBySide) box.appendChild(el('div', { class: 'rank-title', text: 'rank ' + g.rank }));
      var target = el('div', { class: 'plot' });
      box.appendChild(target);
      row.appendChild(box);
      return { group: g, target: target, entry: null };
    });
    notes(card, chart);
    container.appendChild(card);
    var drawn = false;
    function build() {
      drawn = true;
      slots.forEach(function (slot) {
        if (slot.entry) {
          slot.entry.plot.destroy();
          api.charts.splice(api.charts.indexOf(slot.entry), 1);
        }
        slot.target.textContent = '';
        var plot = makePlot(slot.target, chart, slot.group.list, logBox.checked,
          sideBySide ? 'k:' + chart.key : null);
        slot.entry = { key: chart.key, rank: slot.group.rank, system: chart.system, plot: plot,
          series: slot.group.list };
        api.charts.push(slot.entry);
      });
    }
    logBox.addEventListener('change', function () { if (drawn) build(); });
    reset.addEventListener('click', function () {
      slots.forEach(function (slot) { if (slot.entry) slot.entry.plot.setData(slot.entry.plot.data, true); });
    });
    return {
      card: card,
      slots: slots,
      draw: function () { if (!drawn) build(); },
      remove: function () {
        slots.forEach(function (slot) {
          if (!slot.entry) return;
          slot.entry.plot.destroy();
          api.charts.splice(api.charts.indexOf(slot.entry), 1);
          slot.entry = null;
        });
        card.remove();
      }
    };
  }

  function notes(card, chart) {
    chart.series.forEach(function (s) {
      var name = seriesLabel(s) + (data.runs[s.run].ranks.length > 1 ? ' (rank ' + s.rank + ')' : '');
      if (s.downsampled) {
        card.appendChild(el('p', { class: 'chart-note' }, 'Downsampled: ' + name + ' shows ' + count(s.shown) + ' of '
          + count(s.total) + ' points (the lowest and highest of each pixel column, so spikes stay). Full series: ',
          el('code', { text: s.file, title: data.runs[s.run].dir + '/' + s.file })));
      }
      if (s.nonFinite > 0) {
        card.appendChild(el('p', { class: 'chart-note warn', text: name + ': ' + count(s.nonFinite)
          + ' NaN or infinite point' + (s.nonFinite === 1 ? '' : 's') + ', drawn as a gap and marked ▲ (NaN red, '
          + '±Inf orange) on the top edge (−Inf at the bottom)' }));
      }
    });
  }

  // A report of up to EAGER_CHARTS charts draws them all as it loads, as it always did. Beyond, a chart is drawn
  // when its card comes within half a screen of the view, and cards are made a page at a time, so a run of
  // 20,000 series opens as fast as one of twenty; the search box finds any key.
  var EAGER_CHARTS = 24;
  var CHART_PAGE = 60;
  var DRAW_AHEAD = '50% 0px';
  var lazy = data.charts.length > EAGER_CHARTS && typeof IntersectionObserver === 'function';
  var firstSight = null;
  var sight = lazy ? new IntersectionObserver(function (entries) {
    entries.forEach(function (e) {
      if (!e.isIntersecting) return;
      sight.unobserve(e.target);
      e.target.chartCard.draw();
    });
    if (firstSight) { var f = firstSight; firstSight = null; f(); }
  }, { rootMargin: DRAW_AHEAD }) : null;
  api.drawAhead = DRAW_AHEAD;

  /** The charts of one section: cards for the keys that match the search, made CHART_PAGE at a time. */
  function chartList(list, container, more, counter) {
    var shown = [];
    var matching = list;
    function add(upTo) {
      var from = shown.length;
      matching.slice(from, upTo).forEach(function (c) {
        var made = chartCard(c, container);
        shown.push(made);
        if (lazy) {
          made.card.chartCard = made;
          sight.observe(made.card);
        } else {
          made.draw();
        }
      });
      var left = matching.length - shown.length;
      more.hidden = left <= 0;
      more.textContent = 'Show ' + count(Math.min(left, CHART_PAGE)) + ' more of the ' + count(left) + ' left';
    }
    more.addEventListener('click', function () { add(shown.length + CHART_PAGE); });
    function filter(query) {
      var q = query.trim().toLowerCase();
      shown.forEach(function (made) {
        if (sight) sight.unobserve(made.card);
        made.remove();
      });
      shown = [];
      matching = q ? list.filter(function (c) { return c.key.toLowerCase().indexOf(q) >= 0; }) : list;
      if (counter) counter.textContent = '(' + (q ? count(matching.length) + ' of ' : '') + count(list.length) + ')';
      add(lazy ? CHART_PAGE : matching.length);
    }
    filter('');
    return {
      filter: filter,
      slots: function () {
        return shown.reduce(function (all, made) { return all.concat(made.slots); }, []);
      }
    };
  }

  function charts() {
    var metrics = data.charts.filter(function (c) { return !c.system; });
    var system = data.charts.filter(function (c) { return c.system; });
    if (!metrics.length) show('metric-empty');
    var sections = [chartList(metrics, $('metric-charts'), $('metric-more'), $('metric-count'))];
    var search = $('metric-search');
    var pendingSearch = null;
    search.addEventListener('input', function () {
      clearTimeout(pendingSearch);
      pendingSearch = setTimeout(function () { sections[0].filter(search.value); }, 120);
    });
    // The tests and a user's console: filter at once, without the typing delay.
    api.filterCharts = function (query) { search.value = query; sections[0].filter(query); };
    if (system.length) {
      show('system');
      if (compare) $('system-hint').textContent = 'Over the seconds since each run started.';
      sections.push(chartList(system, $('system-charts'), $('system-more'), null));
    }
    var pending = null;
    window.addEventListener('resize', function () {
      clearTimeout(pending);
      pending = setTimeout(function () {
        sections.forEach(function (section) {
          section.slots().forEach(function (slot) {
            if (slot.entry) {
              slot.entry.plot.setSize({ width: Math.max(280, slot.target.clientWidth), height: CHART_HEIGHT });
            }
          });
        });
      }, 100);
    });
  }

  function finals() {
    if (!compare) return;
    show('finals');
    var t = $('final-table');
    var head = el('tr', null, el('th', { text: 'Metric' }), el('th', { text: 'Context' }));
    data.runs.forEach(function (r) { head.appendChild(el('th', { text: r.name })); });
    t.appendChild(el('thead', null, head));
    var body = el('tbody');
    data.charts.forEach(function (c) {
      var contexts = [];
      c.series.forEach(function (s) { if (contexts.indexOf(s.context) < 0) contexts.push(s.context); });
      contexts.forEach(function (ctx) {
        var cells = data.runs.map(function (r, i) {
          var s = c.series.find(function (x) { return x.run === i && x.context === ctx && x.last; });
          return s ? s.last : null;
        });
        var shown = cells.map(function (l) { return l ? value(l.value) : undefined; });
        var differs = shown.some(function (v) { return v !== shown[0]; });
        var row = el('tr', { class: differs ? 'diff' : null }, el('td', { class: 'name', text: c.key }),
          el('td', { text: ctx }));
        cells.forEach(function (l) {
          row.appendChild(el('td', { class: l ? 'num' : 'num absent', text: l ? value(l.value) : '—',
            title: l ? 'step ' + l.step + ' at ' + clock(l.time) : null }));
        });
        body.appendChild(row);
      });
    });
    t.appendChild(body);
  }

  // ---- artifacts and models ----
  function artifacts() {
    if (compare) return;
    var run = data.runs[0];
    var inputs = run.inputModels || [];
    if (!run.artifacts.length && !run.versions.length && !run.models.length && !inputs.length) return;
    show('artifacts');
    var chains = $('model-chains');
    var byName = {};
    run.versions.forEach(function (v) {
      var k = v.name + (run.ranks.length > 1 ? ' · rank ' + v.rank : '');
      (byName[k] = byName[k] || []).push(v);
    });
    // A model the run started from heads the chain of the model of its name; one that saved no version
    // gets a chain of its own, which is only where it started.
    inputs.forEach(function (m) {
      var k = m.name + (run.ranks.length > 1 ? ' · rank ' + m.rank : '');
      byName[k] = byName[k] || [];
    });
    Object.keys(byName).forEach(function (name) {
      var first = byName[name][0] || inputs.find(function (m) {
        return m.name + (run.ranks.length > 1 ? ' · rank ' + m.rank : '') === name;
      });
      var model = run.models.find(function (m) { return m.name === first.name; });
      var about = model ? [model.totalParams !== undefined ? count(model.totalParams) + ' parameters' : null,
        model.memoryBytes !== undefined ? bytes(model.memoryBytes) + ' in memory' : null]
        .filter(Boolean).join(' · ') : '';
      chains.appendChild(el('div', { class: 'chain-title' }, 'Model ' + name,
        el('span', { class: 'muted', text: byName[name].length + ' version' + (byName[name].length === 1 ? '' : 's')
          + (about ? ' · ' + about : '') })));
      var chain = el('div', { class: 'chain' });
      inputs.filter(function (m) {
        return m.name + (run.ranks.length > 1 ? ' · rank ' + m.rank : '') === name;
      }).forEach(function (m) {
        chain.appendChild(el('div', { class: 'version input-model' },
          el('div', { class: 'v-name', text: 'started from ' + (m.noFile ? m.name + ' (a stream, no file)'
            : m.path.split('/').pop()), title: m.path || '' }),
          el('div', { class: 'v-meta', text: m.size !== undefined ? bytes(m.size) : 'no file' }),
          el('div', { class: 'v-hash', text: m.sha256 ? 'sha256 ' + m.sha256.substring(0, 16) + '…' : 'no digest',
            title: m.sha256 || '' })));
        if (byName[name].length) {
          chain.appendChild(el('div', { class: 'arrow', text: '→', title: 'used, then trained further' }));
        }
      });
      byName[name].forEach(function (v, i) {
        if (i > 0) chain.appendChild(el('div', { class: 'arrow', text: '→', title: 'wasDerivedFrom' }));
        chain.appendChild(el('div', { class: 'version', 'data-version': v.id },
          el('div', { class: 'v-name', text: v.path.split('/').pop() }),
          el('div', { class: 'v-meta', text: 'step ' + v.step + ' · ' + v.context + ' · ' + bytes(v.size) }),
          el('div', { class: 'v-hash', text: v.sha256 ? 'sha256 ' + v.sha256.substring(0, 16) + '…' : 'no digest',
            title: v.sha256 || '' })));
      });
      chains.appendChild(chain);
    });
    var t = $('artifact-table');
    t.appendChild(el('thead', null, el('tr', null, el('th', { text: 'Path' }), el('th', { text: 'Context' }),
      el('th', { text: 'Size' }), el('th', { text: 'SHA-256' }))));
    var body = el('tbody');
    run.artifacts.forEach(function (a) {
      body.appendChild(el('tr', null,
        el('td', { class: 'name', text: (run.ranks.length > 1 ? 'artifacts_GR' + a.rank + '/' : '') + a.path }),
        el('td', { text: a.context || 'run' }), el('td', { class: 'num', text: bytes(a.size) }),
        el('td', { class: 'hash', text: a.sha256 || '—' })));
    });
    t.appendChild(body);
  }

  // ---- provenance graph ----
  var GROUP_OVER = 12;
  var GROUP_DRAWN_UP_TO = 500;
  var MEMBERS_LISTED = 200;

  function graph() {
    if (compare) return;
    var run = data.runs[0];
    if (!run.graph || !run.graph.nodes.length) return;
    show('provenance');
    var nodes = run.graph.nodes;
    var byId = {};
    nodes.forEach(function (n) { byId[n.id] = n; });
    // Entities with no group of their own are boxed by type when a rank has many of one type.
    var byType = {};
    nodes.forEach(function (n) {
      if (n.kind === 'entity' && !n.group) {
        var k = (n.type || 'entity') + ':' + n.rank;
        (byType[k] = byType[k] || []).push(n);
      }
    });
    Object.keys(byType).forEach(function (k) {
      if (byType[k].length > GROUP_OVER) byType[k].forEach(function (n) { n.group = 'type:' + k; });
    });
    var groups = {};
    nodes.forEach(function (n) {
      if (n.group) (groups[n.group] = groups[n.group] || { id: 'group:' + n.group, members: [], expanded: false })
        .members.push(n);
    });
    var multiRank = run.ranks.length > 1;
    function groupLabel(key, g) {
      var parts = key.split(':');
      var one = g.members.length === 1;
      var what = parts[0] === 'metrics' ? (one ? 'metric · ' : 'metrics · ') + parts[1]
        : parts[0] === 'params' ? (one ? 'param' : 'params') : (parts[1] || 'entities').replace(/^provml:/, '');
      return g.members.length + ' ' + what + (multiRank ? ' · rank ' + parts[parts.length - 1] : '');
    }
    var cy = cytoscape({
      container: $('graph'),
      wheelSensitivity: 0.3,
      minZoom: 0.05,
      maxZoom: 3,
      boxSelectionEnabled: false,
      style: [
        { selector: 'node', style: {
          'label': 'data(label)', 'font-size': 11, 'font-family': 'system-ui, sans-serif', 'text-valign': 'center',
          'text-halign': 'center', 'width': 'data(w)', 'height': 26, 'border-width': 1, 'color': '#1f2933',
          'text-wrap': 'ellipsis', 'text-max-width': 'data(tw)' } },
        { selector: 'node[kind="entity"]', style: { 'shape': 'ellipse', 'background-color': '#fffc87',
          'border-color': '#b5a800' } },
        { selector: 'node[kind="entity"][?model]', style: { 'background-color': '#ffe066', 'border-width': 2 } },
        { selector: 'node[kind="activity"]', style: { 'shape': 'rectangle', 'background-color': '#9fb1fc',
          'border-color': '#3b5bdb' } },
        { selector: 'node[?run]', style: { 'font-weight': 'bold', 'border-width': 2, 'height': 32 } },
        { selector: 'node[kind="agent"]', style: { 'shape': 'pentagon', 'background-color': '#fed37f',
          'border-color': '#e67700', 'height': 34 } },
        { selector: 'node[kind="group"]', style: { 'shape': 'round-rectangle', 'background-color': '#f1f3f5',
          'border-color': '#868e96', 'border-style': 'dashed', 'border-width': 1.5, 'height': 30 } },
        { selector: ':parent', style: { 'shape': 'round-rectangle', 'background-color': '#f8f9fa',
          'background-opacity': 0.7, 'border-color': '#adb5bd', 'border-style': 'dashed', 'label': 'data(label)',
          'text-valign': 'top', 'text-halign': 'center', 'font-size': 11, 'color': '#5f6b7a', 'padding': 10 } },
        { selector: 'edge', style: { 'width': 1.2, 'line-color': '#adb5bd', 'target-arrow-color': '#adb5bd',
          'target-arrow-shape': 'triangle', 'arrow-scale': 0.8, 'curve-style': 'bezier' } },
        { selector: 'edge[kind="wasDerivedFrom"]', style: { 'line-color': '#e67700', 'target-arrow-color': '#e67700',
          'width': 1.6 } },
        { selector: 'edge[kind="wasAssociatedWith"]', style: { 'line-style': 'dashed' } },
        { selector: 'edge.hover', style: { 'label': 'data(kind)', 'font-size': 9, 'color': '#495057',
          'text-background-color': '#fff', 'text-background-opacity': 1, 'line-color': '#495057',
          'target-arrow-color': '#495057' } },
        { selector: 'node:selected', style: { 'border-color': '#d6336c', 'border-width': 3 } }
      ]
    });
    api.graph = {
      cy: cy,
      records: nodes.map(function (n) { return n.id; }),
      expand: function (key) { open(key); },
      groups: groups
    };

    // A group of more records than a graph can lay out and a reader can follow is listed beside the graph instead,
    // with a filter: a run of 20,000 series has a group of 20,000 metrics.
    function drawable(g) { return g.members.length <= GROUP_DRAWN_UP_TO; }
    function open(key) {
      if (drawable(groups[key])) {
        groups[key].expanded = true;
        render();
      } else {
        members(key);
      }
    }
    function members(key) {
      var g = groups[key];
      var box = $('graph-details');
      box.textContent = '';
      box.appendChild(el('h3', { text: groupLabel(key, g) }));
      box.appendChild(el('p', { class: 'hint', text: 'Too many records to draw; filter them and click one for its'
        + ' attributes.' }));
      var search = el('input', { type: 'search', class: 'member-search', placeholder: 'Filter records…',
        'aria-label': 'Filter records' });
      var list = el('ul', { class: 'members' });
      var more = el('p', { class: 'hint' });
      box.appendChild(search);
      box.appendChild(list);
      box.appendChild(more);
      function fill() {
        var q = search.value.trim().toLowerCase();
        var matching = q ? g.members.filter(function (n) { return n.id.toLowerCase().indexOf(q) >= 0; }) : g.members;
        list.textContent = '';
        matching.slice(0, MEMBERS_LISTED).forEach(function (n) {
          list.appendChild(el('li', null, el('button', { type: 'button', class: 'member', text: n.label,
            title: n.id, onclick: function () { details(n); } })));
        });
        more.textContent = matching.length > MEMBERS_LISTED ? count(MEMBERS_LISTED) + ' of ' + count(matching.length)
          + ' shown: filter to find the others.' : count(matching.length) + ' shown.';
      }
      search.addEventListener('input', fill);
      fill();
    }

    function width(label) { return Math.min(220, Math.max(56, label.length * 6.4 + 22)); }
    function visibleId(n) { return n.group && !groups[n.group].expanded ? groups[n.group].id : n.id; }

    function elements() {
      var els = [];
      Object.keys(groups).forEach(function (key) {
        var g = groups[key];
        var label = groupLabel(key, g) + (g.expanded ? '  ▾' : '  ▸');
        els.push({ group: 'nodes', data: { id: g.id, key: key, kind: g.expanded ? 'box' : 'group', label: label,
          w: width(label), tw: 210 } });
      });
      nodes.forEach(function (n) {
        if (n.group && !groups[n.group].expanded) return;
        var label = n.label;
        els.push({ group: 'nodes', data: { id: n.id, kind: n.kind, label: label, w: width(label), tw: 200,
          run: n.kind === 'activity' && n.attributes['yprov:run_id'] !== undefined,
          model: n.type === 'provml:Model', parent: n.group ? groups[n.group].id : undefined } });
      });
      var seen = {};
      run.graph.edges.forEach(function (e) {
        if (!byId[e.from] || !byId[e.to]) return;
        var from = visibleId(byId[e.from]);
        var to = visibleId(byId[e.to]);
        if (from === to) return;
        var id = from + '\u0000' + to + '\u0000' + e.kind;
        if (seen[id]) return;
        seen[id] = true;
        els.push({ group: 'edges', data: { id: id, source: from, target: to, kind: e.kind } });
      });
      return els;
    }

    /** dagre's layered layout (ranks right to left, as PROV's arrows point back in time), applied as positions. */
    function layout() {
      var g = new dagre.graphlib.Graph({ compound: true, multigraph: true });
      g.setGraph({ rankdir: 'RL', nodesep: 14, ranksep: 70, edgesep: 8, marginx: 10, marginy: 10 });
      g.setDefaultEdgeLabel(function () { return {}; });
      cy.nodes().forEach(function (n) {
        if (n.isParent()) g.setNode(n.id(), { paddingTop: 24 });
        else g.setNode(n.id(), { width: n.outerWidth(), height: n.outerHeight() });
      });
      cy.nodes().forEach(function (n) { if (n.isChild()) g.setParent(n.id(), n.parent().id()); });
      cy.edges().forEach(function (e) { g.setEdge(e.source().id(), e.target().id(), {}, e.id()); });
      dagre.layout(g);
      cy.nodes().filter(function (n) { return !n.isParent(); }).positions(function (n) {
        var p = g.node(n.id());
        return { x: p.x, y: p.y };
      });
      cy.fit(undefined, 24);
    }

    function render() {
      cy.elements().remove();
      cy.add(elements());
      layout();
    }

    cy.on('tap', 'node', function (evt) {
      var n = evt.target;
      var key = n.data('key');
      if (key && n.data('kind') === 'group') { open(key); return; }
      if (key && n.data('kind') === 'box') { groups[key].expanded = false; render(); return; }
      details(byId[n.id()]);
    });
    cy.on('mouseover', 'edge', function (evt) { evt.target.addClass('hover'); });
    cy.on('mouseout', 'edge', function (evt) { evt.target.removeClass('hover'); });
    $('graph-expand').addEventListener('click', function () {
      Object.keys(groups).forEach(function (k) { if (drawable(groups[k])) groups[k].expanded = true; });
      render();
    });
    $('graph-collapse').addEventListener('click', function () {
      Object.keys(groups).forEach(function (k) { groups[k].expanded = false; });
      render();
    });
    $('graph-fit').addEventListener('click', function () { cy.fit(undefined, 24); });
    render();
    var runNode = byId[run.activityNode];
    if (runNode) details(runNode);
  }

  function details(n) {
    var box = $('graph-details');
    box.textContent = '';
    if (!n) return;
    box.appendChild(el('h3', { text: n.id }));
    var dl = el('dl');
    dl.appendChild(el('dt', { text: 'kind' }));
    dl.appendChild(el('dd', { text: n.kind + (n.type ? ' · ' + n.type : '') }));
    Object.keys(n.attributes).forEach(function (k) {
      dl.appendChild(el('dt', { text: k }));
      dl.appendChild(el('dd', { text: n.attributes[k] }));
    });
    box.appendChild(dl);
  }

  function toc() {
    var nav = $('toc');
    Array.prototype.forEach.call(document.querySelectorAll('main > section'), function (s) {
      if (!s.hidden) nav.appendChild(el('a', { href: '#' + s.id, text: s.getAttribute('data-title') }));
    });
  }

  // A run's report leads with its charts; a comparison with what differs between the runs.
  if (compare) $('runs').parentNode.insertBefore($('params'), $('runs').nextSibling);
  header();
  params();
  finals();
  charts();
  artifacts();
  graph();
  toc();
  // Milliseconds from navigation start to a page built, with the charts in view drawn (docs/benchmarks.md
  // reports it). Drawn lazily, the charts in view are known only at the observer's first report.
  function ready() {
    api.readyAt = performance.now();
    api.ready = true;
  }
  if (lazy && document.querySelector('.chart-card')) firstSight = ready;
  else ready();
})();

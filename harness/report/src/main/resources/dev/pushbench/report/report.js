/* pushbench report: sortable tables and uPlot charts. The page reads fine without this script. */
(function () {
  'use strict';

  // ---- sortable tables: a click on a header with data-sort orders the row groups by that column
  function sortValue(group, key, numeric) {
    var cell = group.querySelector('[data-k="' + key + '"]');
    if (!cell || !cell.hasAttribute('data-v')) { return null; }
    var raw = cell.getAttribute('data-v');
    if (!numeric) { return raw.toLowerCase(); }
    var value = parseFloat(raw);
    return isNaN(value) ? null : value;
  }

  function sortBy(table, th) {
    var key = th.getAttribute('data-sort');
    var numeric = th.getAttribute('data-type') !== 'text';
    var ascending = th.getAttribute('aria-sort') !== 'ascending';
    Array.prototype.forEach.call(table.querySelectorAll('th[aria-sort]'), function (other) {
      other.removeAttribute('aria-sort');
    });
    th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
    var grouped = table.classList.contains('groups');
    var parent = grouped ? table : table.tBodies[0];
    var groups = Array.prototype.slice.call(grouped ? table.tBodies : table.tBodies[0].rows);
    var keyed = groups.map(function (group, index) {
      return { group: group, index: index, value: sortValue(group, key, numeric) };
    });
    keyed.sort(function (a, b) {
      // Rows without the figure stay at the bottom in both directions.
      if (a.value === null || b.value === null) {
        return (a.value === null) - (b.value === null) || a.index - b.index;
      }
      var order = a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
      return (ascending ? order : -order) || a.index - b.index;
    });
    keyed.forEach(function (k) { parent.appendChild(k.group); });
  }

  function sortableTables() {
    Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
      Array.prototype.forEach.call(table.querySelectorAll('th[data-sort]'), function (th) {
        th.tabIndex = 0;
        th.classList.add('sortable-header');
        th.title = (th.title ? th.title + ' \u2014 ' : '') + 'click to sort';
        th.addEventListener('click', function () { sortBy(table, th); });
        th.addEventListener('keydown', function (event) {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            sortBy(table, th);
          }
        });
      });
    });
  }

  // ---- charts
  function percentLabel(nines, decimals) {
    if (nines <= 0) { return '0%'; }
    return (100 * (1 - Math.pow(10, -nines))).toFixed(decimals) + '%';
  }

  function ninesAxisLabel(nines) {
    return percentLabel(nines, Math.max(0, Math.round(nines) - 2));
  }

  function formatValue(value, unit) {
    if (value === null || value === undefined) { return '\u2014'; }
    if (unit === 'ms') {
      if (value >= 1000) { return (value / 1000).toPrecision(3) + ' s'; }
      if (value >= 1) { return value.toPrecision(3) + ' ms'; }
      return (value * 1000).toPrecision(3) + ' \u00b5s';
    }
    return (Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3)) + ' ' + unit;
  }

  function axisValues(unit) {
    return function (u, splits) {
      return splits.map(function (v) { return v === null ? '' : formatValue(v, unit).replace(/\.0+ /, ' '); });
    };
  }

  function seriesOptions(chart) {
    var count = chart.series.length;
    var width = 0.8 / Math.max(1, count);
    return chart.series.map(function (s, index) {
      var options = {
        label: s.label,
        stroke: s.color,
        width: chart.xAxis === 'CELLS' ? 1 : 2,
        spanGaps: true,
        points: { show: chart.xAxis === 'SECONDS' },
        value: function (u, v) { return formatValue(v, chart.yLabel); }
      };
      if (s.dashed) { options.dash = [6, 4]; }
      if (chart.xAxis === 'CELLS') {
        options.fill = s.color;
        options.points = { show: false };
        options.paths = uPlot.paths.bars({
          disp: {
            x0: { unit: 1, values: function (u) {
              return u.data[0].map(function (x) { return x - 0.4 + index * width; });
            } },
            size: { unit: 1, values: function () { return [width]; } }
          }
        });
      }
      return options;
    });
  }

  function xOptions(chart) {
    if (chart.xAxis === 'NINES') {
      return {
        series: { label: 'percentile', value: function (u, v) { return v === null ? '\u2014' : percentLabel(v, 3); } },
        scale: { time: false },
        axis: {
          label: 'percentile (log scale of 1/(1\u2212p))',
          splits: function (u, axisIdx, min, max) {
            var splits = [];
            for (var n = Math.ceil(min); n <= max; n++) { splits.push(n); }
            return splits;
          },
          values: function (u, splits) { return splits.map(ninesAxisLabel); }
        }
      };
    }
    if (chart.xAxis === 'SECONDS') {
      return {
        series: { label: 'interval start', value: function (u, v) { return v === null ? '\u2014' : v.toFixed(2) + ' s'; } },
        scale: { time: false },
        axis: { label: 'seconds since the log began', values: function (u, splits) {
          return splits.map(function (v) { return v + ' s'; });
        } }
      };
    }
    var categories = chart.categories;
    return {
      series: { label: 'cell', value: function (u, v) { return v === null ? '\u2014' : categories[v]; } },
      scale: { time: false, range: function () { return [-0.5, categories.length - 0.5]; } },
      axis: {
        splits: function () { return categories.map(function (c, i) { return i; }); },
        values: function (u, splits) { return splits.map(function (i) { return categories[i] || ''; }); },
        rotate: -25,
        size: 110,
        gap: 4
      }
    };
  }

  // The y axis as wide as its longest tick label ("0.200 requests"), at least 70 px, so no label runs off
  // the canvas; uPlot asks again while it settles the layout, and the first answer stands.
  function yAxisSize(u, values, axisIdx, cycleNum) {
    var axis = u.axes[axisIdx];
    if (cycleNum > 1 && axis._size) { return axis._size; }
    var longest = (values || []).reduce(function (a, v) { return v && v.length > a.length ? v : a; }, '');
    u.ctx.font = axis.font[0];
    var text = u.ctx.measureText(longest).width / (window.devicePixelRatio || 1);
    return Math.max(70, Math.ceil(axis.ticks.size + axis.gap + text + 4));
  }

  // Faults on the over-time chart: a dashed vertical line per marker in its cell's colour, its label at the top,
  // staggered so that neighbouring labels stay readable; drawn after the series, clipped to the plot area.
  function markerPlugin(holder, markers) {
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx;
      var ratio = window.devicePixelRatio || 1;
      var left = u.bbox.left;
      var right = u.bbox.left + u.bbox.width;
      var drawn = 0;
      ctx.save();
      ctx.font = Math.round(11 * ratio) + 'px system-ui, sans-serif';
      ctx.textBaseline = 'top';
      markers.forEach(function (m, index) {
        var x = Math.round(u.valToPos(m.x, 'x', true));
        if (!(x >= left && x <= right)) { return; }
        ctx.strokeStyle = m.color;
        ctx.lineWidth = 1.5 * ratio;
        ctx.setLineDash([5 * ratio, 3 * ratio]);
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
        ctx.setLineDash([]);
        var width = ctx.measureText(m.label).width;
        var textX = x + 3 * ratio + width > right ? x - 3 * ratio - width : x + 3 * ratio;
        var textY = u.bbox.top + (2 + (index % 3) * 14) * ratio;
        // a light box behind the label keeps it readable over the series
        ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
        ctx.fillRect(textX - ratio, textY - ratio, width + 2 * ratio, 13 * ratio);
        ctx.fillStyle = m.color;
        ctx.fillText(m.label, textX, textY);
        drawn++;
      });
      ctx.restore();
      holder.setAttribute('data-markers', String(drawn));
    }] } };
  }

  function draw(holder, chart) {
    var x = xOptions(chart);
    var yScale = { distr: chart.yLog ? 3 : 1 };
    if (!chart.yLog) {
      yScale.range = function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; };
    }
    var width = Math.max(320, Math.floor(holder.getBoundingClientRect().width) || 640);
    var options = {
      width: width,
      height: chart.xAxis === 'CELLS' ? 300 : 280,
      padding: [12, chart.xAxis === 'CELLS' ? 48 : 16, 0, 0],
      scales: { x: x.scale, y: yScale },
      cursor: { drag: { x: chart.xAxis !== 'CELLS', y: false } },
      legend: { live: true },
      axes: [x.axis, { label: chart.yLabel, size: yAxisSize, values: axisValues(chart.yLabel) }],
      series: [x.series].concat(seriesOptions(chart))
    };
    if (chart.markers && chart.markers.length) {
      options.plugins = [markerPlugin(holder, chart.markers)];
    }
    var data = [chart.xs].concat(chart.series.map(function (s) { return s.ys; }));
    holder.textContent = '';
    var plot = new uPlot(options, data, holder);
    holder.setAttribute('data-drawn', 'true');
    return plot;
  }

  function charts() {
    var source = document.getElementById('chart-data');
    if (!source || typeof uPlot === 'undefined') { return; }
    var model = JSON.parse(source.textContent);
    model.charts.forEach(function (chart) {
      var holder = document.getElementById('chart-' + chart.id);
      if (holder) { draw(holder, chart); }
    });
  }

  sortableTables();
  charts();
}());

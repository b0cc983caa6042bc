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

  // A load or a capacity, as the report's tables write it: 19,744; 0.5
  function formatCount(value) {
    if (value === null || value === undefined) { return '\u2014'; }
    if (Math.abs(value) >= 1000) { return Math.round(value).toLocaleString('en-US'); }
    return String(Number(value.toPrecision(3)));
  }

  function countValues(u, splits) {
    return splits.map(function (v) { return v === null ? '' : formatCount(v); });
  }

  // The fill of a bar that is a lower bound only: diagonal stripes of its colour over a faded tint.
  function hatch(color) {
    var pattern = null;
    return function (u) {
      if (pattern) { return pattern; }
      var ratio = window.devicePixelRatio || 1;
      var size = Math.round(8 * ratio);
      var tile = document.createElement('canvas');
      tile.width = size;
      tile.height = size;
      var t = tile.getContext('2d');
      t.fillStyle = color + '33';
      t.fillRect(0, 0, size, size);
      t.strokeStyle = color;
      t.lineWidth = 2 * ratio;
      t.beginPath();
      t.moveTo(0, size);
      t.lineTo(size, 0);
      t.moveTo(-size / 2, size / 2);
      t.lineTo(size / 2, -size / 2);
      t.moveTo(size / 2, size * 1.5);
      t.lineTo(size * 1.5, size / 2);
      t.stroke();
      pattern = u.ctx.createPattern(tile, 'repeat');
      return pattern;
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
        points: { show: chart.xAxis === 'SECONDS' || s.points === true },
        value: function (u, v) { return formatValue(v, chart.yLabel); }
      };
      if (s.dashed) { options.dash = [6, 4]; }
      if (s.pointsOnly) {
        // not-valid steps: hollow points, no line between them
        options.paths = function () { return null; };
        options.points = { show: true, size: 9, width: 2, stroke: s.color, fill: '#ffffff' };
      }
      if (chart.xAxis === 'CAPACITY') {
        // one bar per cell: every series at the full width, since a cell has a value in one of them only
        options.fill = s.hatched ? hatch(s.color) : s.color;
        options.width = s.hatched ? 2 : 1;
        options.points = { show: false };
        options.value = function (u, v) { return v === null ? '\u2014' : formatCount(v) + ' ' + chart.yLabel; };
        options.paths = uPlot.paths.bars({
          disp: {
            x0: { unit: 1, values: function (u) { return u.data[0].map(function (x) { return x - 0.4; }); } },
            size: { unit: 1, values: function () { return [0.8]; } }
          }
        });
        return options;
      }
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
    if (chart.xAxis === 'LOAD') {
      return {
        series: { label: chart.xLabel, value: function (u, v) { return formatCount(v); } },
        scale: { time: false, range: function (u, min, max) { return [0, max > 0 ? max * 1.05 : 1]; } },
        axis: { label: chart.xLabel, values: countValues }
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

  // The capacity bars' labels: the figure above each bar ("4,800"), and above a lower bound an arrow, "≥ 6,000" and,
  // where the bar is wide enough, why ("generator-bound"); a cell that passed no step says so at the baseline.
  function barLabelPlugin(holder, bars) {
    return { hooks: { draw: [function (u) {
      var ctx = u.ctx;
      var ratio = window.devicePixelRatio || 1;
      var room = Math.abs(u.valToPos(1, 'x', true) - u.valToPos(0, 'x', true));
      var labels = 0;
      var open = 0;
      ctx.save();
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      bars.forEach(function (bar, i) {
        var x = u.valToPos(i, 'x', true);
        var value = null;
        for (var s = 1; s < u.data.length; s++) {
          if (u.data[s][i] !== null && u.data[s][i] !== undefined) { value = u.data[s][i]; }
        }
        var cut = bar.text.indexOf(' (');
        var figure = cut < 0 ? bar.text : bar.text.substring(0, cut);
        var why = cut < 0 ? null : bar.text.substring(cut + 1);
        ctx.font = '600 ' + Math.round(12 * ratio) + 'px system-ui, sans-serif';
        if (value === null) {
          ctx.fillStyle = '#a40e26';
          ctx.fillText(bar.text, x, u.valToPos(0, 'y', true) - 4 * ratio);
          labels++;
          return;
        }
        var y = u.valToPos(value, 'y', true);
        if (bar.open) {
          ctx.strokeStyle = '#b35c00';
          ctx.fillStyle = '#b35c00';
          ctx.lineWidth = 2 * ratio;
          ctx.beginPath();
          ctx.moveTo(x, y - 2 * ratio);
          ctx.lineTo(x, y - 16 * ratio);
          ctx.stroke();
          ctx.beginPath();
          ctx.moveTo(x - 5 * ratio, y - 12 * ratio);
          ctx.lineTo(x, y - 19 * ratio);
          ctx.lineTo(x + 5 * ratio, y - 12 * ratio);
          ctx.closePath();
          ctx.fill();
          y -= 20 * ratio;
          open++;
        } else {
          ctx.fillStyle = '#1f2328';
          y -= 3 * ratio;
        }
        ctx.fillText(figure, x, y);
        labels++;
        if (why) {
          ctx.font = Math.round(10 * ratio) + 'px system-ui, sans-serif';
          if (ctx.measureText(why).width <= room * 0.95) { ctx.fillText(why, x, y - 14 * ratio); }
        }
      });
      ctx.restore();
      holder.setAttribute('data-bar-labels', String(labels));
      holder.setAttribute('data-open-bars', String(open));
    }] } };
  }

  function draw(holder, chart) {
    var x = xOptions(chart);
    var categorical = chart.xAxis === 'CELLS' || chart.xAxis === 'CAPACITY';
    var yScale = { distr: chart.yLog ? 3 : 1 };
    if (!chart.yLog) {
      // the capacity bars leave room above the tallest for its arrow and labels
      var headroom = chart.xAxis === 'CAPACITY' ? 1.4 : 1.1;
      yScale.range = function (u, min, max) { return [0, max > 0 ? max * headroom : 1]; };
    }
    var width = Math.max(320, Math.floor(holder.getBoundingClientRect().width) || 640);
    var options = {
      width: width,
      height: chart.xAxis === 'CAPACITY' ? 340 : chart.xAxis === 'CELLS' ? 300 : chart.xAxis === 'LOAD' ? 240 : 280,
      padding: [12, categorical ? 48 : 16, 0, 0],
      scales: { x: x.scale, y: yScale },
      cursor: { drag: { x: !categorical, y: false } },
      legend: { live: true },
      axes: [x.axis, { label: chart.yLabel, size: yAxisSize,
        values: chart.xAxis === 'CAPACITY' ? countValues : axisValues(chart.yLabel) }],
      series: [x.series].concat(seriesOptions(chart))
    };
    options.plugins = [];
    if (chart.markers && chart.markers.length) {
      options.plugins.push(markerPlugin(holder, chart.markers));
    }
    if (chart.bars) {
      options.plugins.push(barLabelPlugin(holder, chart.bars));
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

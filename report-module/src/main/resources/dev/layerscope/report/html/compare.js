/*
 * The compare panel: this run (the first of data.runs) beside an earlier run of the same experiment, their kNN
 * accuracies in one table with the difference, and both runs' loss and accuracy curves on one small chart.
 */
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('layerscope-data').textContent);
  const runs = data.runs;
  const current = runs[0];
  const COLOURS = ['#4e79a7', '#f28e2b'];   // this run, the other: the explorer's first two Tableau colours

  const select = document.getElementById('ls-run');
  const table = document.getElementById('ls-knn-table');
  const chart = document.getElementById('ls-curves');
  const caption = document.getElementById('ls-curves-legend');
  document.getElementById('ls-current').textContent = current.label;
  runs.slice(1).forEach((run, index) => select.add(new Option(run.label, String(index + 1))));
  if (runs.length < 2) {
    select.disabled = true;
    document.getElementById('ls-no-runs').hidden = false;
  }

  const percent = a => (100 * a).toFixed(2) + ' %';
  const key = line => JSON.stringify([line.input, line.method, line.k]);

  function cell(row, text, className) {
    const td = document.createElement(row.parentElement && row.parentElement.tagName === 'THEAD' ? 'th' : 'td');
    td.textContent = text;
    if (className) td.className = className;
    row.append(td);
    return td;
  }

  function fillTable(other) {
    const head = table.tHead, body = table.tBodies[0];
    head.replaceChildren();
    body.replaceChildren();
    const headRow = head.insertRow();
    ['Input', 'Method', 'k', current.label].concat(other ? [other.label, 'Difference'] : [])
      .forEach((text, i) => cell(headRow, text, i >= 2 ? 'num' : ''));
    // this run's lines in its order, then lines only the other run has
    const lines = new Map();
    for (const line of current.knn) lines.set(key(line), { line, mine: line.accuracy, theirs: null });
    for (const line of other ? other.knn : []) {
      const k = key(line);
      if (lines.has(k)) lines.get(k).theirs = line.accuracy;
      else lines.set(k, { line, mine: null, theirs: line.accuracy });
    }
    for (const { line, mine, theirs } of lines.values()) {
      const row = body.insertRow();
      cell(row, line.input);
      cell(row, line.method);
      cell(row, String(line.k), 'num');
      cell(row, mine === null ? '\u2014' : percent(mine), 'num');
      if (!other) continue;
      cell(row, theirs === null ? '\u2014' : percent(theirs), 'num');
      if (mine === null || theirs === null) {
        cell(row, '\u2014', 'num');
      } else {
        const points = 100 * (mine - theirs);
        cell(row, (points > 0 ? '+' : points < 0 ? '\u2212' : '\u00b1') + Math.abs(points).toFixed(2) + ' pp',
          'num ' + (points > 0 ? 'ls-up' : points < 0 ? 'ls-down' : ''));
      }
    }
  }

  /** One panel of the chart: columns of the curves (train dashed, validation solid) of each run. */
  function panel(ctx, shown, box, columns, title) {
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    for (const run of shown) {
      for (const epoch of run.curves) {
        minX = Math.min(minX, epoch[0]);
        maxX = Math.max(maxX, epoch[0]);
        for (const c of columns) {
          if (epoch[c] === null) continue;
          minY = Math.min(minY, epoch[c]);
          maxY = Math.max(maxY, epoch[c]);
        }
      }
    }
    ctx.fillStyle = '#1f2328';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'alphabetic';
    ctx.textAlign = 'left';
    ctx.fillText(title, box.x, box.y - 7);
    ctx.strokeStyle = '#d0d7de';
    ctx.lineWidth = 1;
    ctx.strokeRect(box.x, box.y, box.w, box.h);
    if (!isFinite(minY)) {
      ctx.fillStyle = '#656d76';
      ctx.fillText('no values', box.x + 8, box.y + 18);
      return;
    }
    if (maxX === minX) maxX = minX + 1;
    if (maxY === minY) maxY = minY + 1;
    const pad = (maxY - minY) * 0.05;
    minY -= pad;
    maxY += pad;
    const px = x => box.x + (x - minX) / (maxX - minX) * box.w;
    const py = y => box.y + box.h - (y - minY) / (maxY - minY) * box.h;
    ctx.fillStyle = '#656d76';
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let t = 0; t <= 2; t++) {
      const v = minY + (maxY - minY) * t / 2;
      ctx.fillText(String(Number(v.toPrecision(3))), box.x - 4, py(v));
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.fillText(String(minX), px(minX), box.y + box.h + 3);
    ctx.fillText(String(maxX), px(maxX), box.y + box.h + 3);
    shown.forEach((run, r) => {
      columns.forEach((c, j) => {
        ctx.strokeStyle = COLOURS[r];
        ctx.lineWidth = 1.8;
        ctx.setLineDash(j === 0 ? [5, 4] : []);
        ctx.beginPath();
        let pen = false;
        for (const epoch of run.curves) {
          if (epoch[c] === null) { pen = false; continue; }
          if (pen) ctx.lineTo(px(epoch[0]), py(epoch[c]));
          else ctx.moveTo(px(epoch[0]), py(epoch[c]));
          pen = true;
        }
        ctx.stroke();
      });
    });
    ctx.setLineDash([]);
  }

  function drawChart(other) {
    const ratio = window.devicePixelRatio || 1;
    const w = chart.clientWidth, h = chart.clientHeight;
    chart.width = Math.round(w * ratio);
    chart.height = Math.round(h * ratio);
    const ctx = chart.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const shown = other ? [current, other] : [current];
    // each panel: its title above (20 px), the plot, the epoch labels below (18 px)
    const left = 52, right = 14, title = 20, ticks = 18, height = (h - 2 * (title + ticks)) / 2;
    const width = w - left - right;
    panel(ctx, shown, { x: left, y: title, w: width, h: height }, [1, 2], 'Loss by epoch');
    panel(ctx, shown, { x: left, y: 2 * title + ticks + height, w: width, h: height }, [3, 4],
      'Accuracy by epoch');

    caption.replaceChildren();
    shown.forEach((run, r) => {
      const swatch = document.createElement('span');
      swatch.className = 'ls-swatch';
      swatch.style.background = COLOURS[r];
      caption.append(swatch, ' ' + run.label + '   ');
    });
    caption.append('\u2014 dashed: training, solid: validation');
  }

  function show() {
    const other = runs.length > 1 ? runs[Number(select.value)] : null;
    fillTable(other);
    drawChart(other);
  }
  select.addEventListener('change', show);
  show();
})();

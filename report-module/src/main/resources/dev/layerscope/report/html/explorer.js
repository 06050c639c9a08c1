/*
 * The embedding explorer: every test point of the chosen 2-D map drawn on one canvas (one path per class, redrawn
 * in a requestAnimationFrame), pan by dragging, zoom with the wheel around the cursor, hover for a point's image
 * (found through a grid of cells over the map, so a hover looks at a few points, not all), a legend that hides and
 * shows classes. window.layerscope exposes what was drawn, for the report's browser test.
 */
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('layerscope-data').textContent);
  const n = data.labels.length;
  const classCount = data.classNames.length;

  // Tableau 10; classes beyond ten get hues a golden angle apart, alternating lightness, so neighbours differ.
  const TABLEAU_10 = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
    '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const palette = Array.from({ length: classCount }, (_, c) => c < TABLEAU_10.length ? TABLEAU_10[c]
    : 'hsl(' + Math.round((c * 137.508) % 360) + ', 60%, ' + (c % 2 ? 42 : 58) + '%)');

  const POINT_RADIUS = 2.2;   // CSS pixels, whatever the zoom: zooming separates points rather than growing them
  const HOVER_RADIUS = 6;     // CSS pixels: how near the cursor a point must be to be hovered
  const PAD = 24;             // CSS pixels between the fitted map and the canvas edge

  const byClass = Array.from({ length: classCount }, () => []);
  for (let i = 0; i < n; i++) byClass[data.labels[i]].push(i);
  const hidden = new Uint8Array(classCount);

  const canvas = document.getElementById('ls-canvas');
  const ctx = canvas.getContext('2d');
  const tooltip = document.getElementById('ls-tooltip');
  const thumb = document.getElementById('ls-thumb');
  const thumbCtx = thumb.getContext('2d');
  const mapSelect = document.getElementById('ls-map');
  const knnLabel = document.getElementById('ls-knn');

  const sprite = new Image();
  const spriteInfo = data.sprite;
  thumb.width = spriteInfo.thumbCols;
  thumb.height = spriteInfo.thumbRows;

  // view: screen = (tx + x * scale, ty - y * scale) in CSS pixels; y grows upwards as in the static figures
  const view = { scale: 1, tx: 0, ty: 0, fitScale: 1 };
  const state = { map: 0, hovered: -1, pointsDrawn: 0, frames: 0, drawnMap: -1, pending: false,
    width: 0, height: 0, mouse: null, drag: null };
  const grids = [];

  function bounds(xy) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < xy.length; i += 2) {
      if (xy[i] < minX) minX = xy[i];
      if (xy[i] > maxX) maxX = xy[i];
      if (xy[i + 1] < minY) minY = xy[i + 1];
      if (xy[i + 1] > maxY) maxY = xy[i + 1];
    }
    return n ? { minX, minY, maxX, maxY } : { minX: 0, minY: 0, maxX: 1, maxY: 1 };
  }

  /** The points of map m bucketed into side x side cells (about 8 points a cell), as offsets into one array. */
  function grid(m) {
    if (grids[m]) return grids[m];
    const xy = data.maps[m].xy;
    const b = bounds(xy);
    const side = Math.max(1, Math.ceil(Math.sqrt(n / 8)));
    const cellW = (b.maxX - b.minX) / side || 1;
    const cellH = (b.maxY - b.minY) / side || 1;
    const cellX = x => Math.min(side - 1, Math.max(0, Math.floor((x - b.minX) / cellW)));
    const cellY = y => Math.min(side - 1, Math.max(0, Math.floor((y - b.minY) / cellH)));
    const cellOf = new Int32Array(n);
    const start = new Int32Array(side * side + 1);
    for (let i = 0; i < n; i++) {
      cellOf[i] = cellY(xy[2 * i + 1]) * side + cellX(xy[2 * i]);
      start[cellOf[i] + 1]++;
    }
    for (let c = 0; c < side * side; c++) start[c + 1] += start[c];
    const points = new Int32Array(n);
    const fill = start.slice(0, side * side);
    for (let i = 0; i < n; i++) points[fill[cellOf[i]]++] = i;
    grids[m] = { side, cellX, cellY, start, points, bounds: b };
    return grids[m];
  }

  function fit() {
    if (!data.maps.length) return;
    const b = grid(state.map).bounds;
    const w = Math.max(1, state.width - 2 * PAD), h = Math.max(1, state.height - 2 * PAD);
    view.scale = view.fitScale = Math.min(w / ((b.maxX - b.minX) || 1), h / ((b.maxY - b.minY) || 1));
    view.tx = state.width / 2 - (b.minX + b.maxX) / 2 * view.scale;
    view.ty = state.height / 2 + (b.minY + b.maxY) / 2 * view.scale;
  }

  function screenOf(i) {
    const xy = data.maps[state.map].xy;
    return [view.tx + xy[2 * i] * view.scale, view.ty - xy[2 * i + 1] * view.scale];
  }

  /** The visible point nearest to (sx, sy) within HOVER_RADIUS, or -1. */
  function pointAt(sx, sy) {
    if (!data.maps.length) return -1;
    const g = grid(state.map);
    const xy = data.maps[state.map].xy;
    const x = (sx - view.tx) / view.scale, y = (view.ty - sy) / view.scale, r = HOVER_RADIUS / view.scale;
    let best = -1, bestD = HOVER_RADIUS * HOVER_RADIUS;
    for (let cy = g.cellY(y - r); cy <= g.cellY(y + r); cy++) {
      for (let cx = g.cellX(x - r); cx <= g.cellX(x + r); cx++) {
        const cell = cy * g.side + cx;
        for (let k = g.start[cell]; k < g.start[cell + 1]; k++) {
          const i = g.points[k];
          if (hidden[data.labels[i]]) continue;
          const dx = (xy[2 * i] - x) * view.scale, dy = (xy[2 * i + 1] - y) * view.scale;
          const d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }

  function request() {
    if (!state.pending) {
      state.pending = true;
      requestAnimationFrame(draw);
    }
  }

  function draw() {
    state.pending = false;
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (w !== state.width || h !== state.height) {
      state.width = w;
      state.height = h;
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
      fit();
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, w, h);
    let drawn = 0;
    if (data.maps.length) {
      const xy = data.maps[state.map].xy;
      ctx.globalAlpha = 0.75;
      for (let c = 0; c < classCount; c++) {
        if (hidden[c]) continue;
        ctx.fillStyle = palette[c];
        ctx.beginPath();
        for (const i of byClass[c]) {
          const sx = view.tx + xy[2 * i] * view.scale, sy = view.ty - xy[2 * i + 1] * view.scale;
          ctx.moveTo(sx + POINT_RADIUS, sy);
          ctx.arc(sx, sy, POINT_RADIUS, 0, 2 * Math.PI);
        }
        ctx.fill();
        drawn += byClass[c].length;
      }
      ctx.globalAlpha = 1;
      if (state.hovered >= 0) {
        const [sx, sy] = screenOf(state.hovered);
        ctx.lineWidth = 2;
        ctx.strokeStyle = '#1f2328';
        ctx.beginPath();
        ctx.arc(sx, sy, POINT_RADIUS + 3, 0, 2 * Math.PI);
        ctx.stroke();
      }
    }
    state.pointsDrawn = drawn;
    state.drawnMap = data.maps.length ? state.map : -1;
    state.frames++;
  }

  function drawThumb(i) {
    if (!sprite.complete) return;
    const col = i % spriteInfo.perRow, row = Math.floor(i / spriteInfo.perRow);
    thumbCtx.clearRect(0, 0, thumb.width, thumb.height);
    thumbCtx.drawImage(sprite, col * spriteInfo.thumbCols, row * spriteInfo.thumbRows,
      spriteInfo.thumbCols, spriteInfo.thumbRows, 0, 0, thumb.width, thumb.height);
  }

  function hover(sx, sy) {
    const i = sx === null ? -1 : pointAt(sx, sy);
    if (i !== state.hovered) {
      state.hovered = i;
      request();
    }
    if (i < 0) {
      tooltip.hidden = true;
      return;
    }
    const truth = data.labels[i], guess = data.predicted[i];
    drawThumb(i);
    document.getElementById('ls-tip-true').textContent = 'True: ' + data.classNames[truth];
    const predicted = document.getElementById('ls-tip-predicted');
    predicted.textContent = 'Predicted: ' + data.classNames[guess];
    predicted.className = truth === guess ? '' : 'ls-wrong';
    document.getElementById('ls-tip-index').textContent = 'test image #' + i;
    tooltip.hidden = false;
    // beside the cursor, flipped to the other side near the right or bottom edge
    const left = sx + 14 + tooltip.offsetWidth > state.width ? sx - 14 - tooltip.offsetWidth : sx + 14;
    const top = sy + 14 + tooltip.offsetHeight > state.height ? sy - 14 - tooltip.offsetHeight : sy + 14;
    tooltip.style.left = Math.max(0, left) + 'px';
    tooltip.style.top = Math.max(0, top) + 'px';
  }

  function local(event) {
    const r = canvas.getBoundingClientRect();
    return [event.clientX - r.left, event.clientY - r.top];
  }

  canvas.addEventListener('pointerdown', event => {
    if (event.button !== 0) return;
    canvas.setPointerCapture(event.pointerId);
    canvas.classList.add('ls-dragging');
    state.drag = local(event);
    hover(null, null);
  });
  canvas.addEventListener('pointermove', event => {
    const [sx, sy] = local(event);
    if (state.drag) {
      view.tx += sx - state.drag[0];
      view.ty += sy - state.drag[1];
      state.drag = [sx, sy];
      request();
    } else {
      hover(sx, sy);
    }
  });
  const endDrag = () => {
    state.drag = null;
    canvas.classList.remove('ls-dragging');
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('pointerleave', () => { if (!state.drag) hover(null, null); });
  canvas.addEventListener('wheel', event => {
    event.preventDefault();
    const [sx, sy] = local(event);
    const factor = Math.min(view.fitScale * 500 / view.scale,
      Math.max(view.fitScale * 0.5 / view.scale, Math.exp(-event.deltaY * 0.0015)));
    view.tx = sx - (sx - view.tx) * factor;
    view.ty = sy - (sy - view.ty) * factor;
    view.scale *= factor;
    hover(sx, sy);
    request();
  }, { passive: false });

  document.getElementById('ls-reset').addEventListener('click', () => { fit(); hover(null, null); request(); });

  data.maps.forEach((m, index) => mapSelect.add(new Option(m.input + ' \u00b7 ' + m.method, String(index))));
  function showMap(index) {
    state.map = index;
    const acc = data.maps.length ? data.maps[index].knnAccuracy : null;
    knnLabel.textContent = acc === null ? '' : 'kNN accuracy ' + (100 * acc).toFixed(2) + ' %';
    if (state.width) fit();
    hover(null, null);
    request();
  }
  mapSelect.addEventListener('change', () => showMap(Number(mapSelect.value)));

  const legend = document.getElementById('ls-legend');
  data.classNames.forEach((name, c) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.class = String(c);
    button.setAttribute('aria-pressed', 'true');
    const swatch = document.createElement('span');
    swatch.className = 'ls-swatch';
    swatch.style.background = palette[c];
    const count = document.createElement('span');
    count.className = 'ls-dim';
    count.textContent = String(byClass[c].length);
    button.append(swatch, document.createTextNode(name), count);
    button.addEventListener('click', () => {
      hidden[c] ^= 1;
      button.setAttribute('aria-pressed', hidden[c] ? 'false' : 'true');
      if (state.hovered >= 0 && hidden[data.labels[state.hovered]]) hover(null, null);
      request();
    });
    const item = document.createElement('li');
    item.append(button);
    legend.append(item);
  });

  if (!data.maps.length) {
    mapSelect.disabled = true;
    knnLabel.textContent = 'This run has no 2-D maps.';
  }
  new ResizeObserver(request).observe(canvas);
  sprite.onload = () => { if (state.hovered >= 0) drawThumb(state.hovered); };
  sprite.src = spriteInfo.uri;
  showMap(0);

  window.layerscope = Object.assign(window.layerscope || {}, {
    /** How many points the last frame drew. */
    pointsDrawn: () => state.pointsDrawn,
    /** Frames drawn so far. */
    frames: () => state.frames,
    /** The index of the map the last frame drew, -1 when there is none. */
    drawnMap: () => state.drawnMap,
    /** The hovered point, -1 when none. */
    hovered: () => state.hovered,
    /** Where point i is drawn, in CSS pixels from the canvas's top-left corner. */
    screenOf: i => screenOf(i),
    /** Whether the sprite has loaded, so tooltips have their images. */
    spriteLoaded: () => sprite.complete && sprite.naturalWidth > 0
  });
})();

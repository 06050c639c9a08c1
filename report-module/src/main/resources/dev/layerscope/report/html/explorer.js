/*
 * The embedding explorer: every point (training and test) of the chosen 2-D map on one canvas, one fillRect a point
 * batched by colour, redrawn in a requestAnimationFrame; pan by dragging, zoom with the wheel around the cursor, hover
 * for a point's image (found through a grid of cells over the map, so a hover looks at a few points, not all), a
 * legend that hides and shows classes, colours by class or by the network's output, and a selection (a confusion
 * cell, a lasso, a search, a click) that lights up in every map at once.
 *
 * The data travels compactly (see HtmlReport.json): classes one byte a point, test indices and probabilities as
 * little-endian integers, coordinates 16 bits per axis, thumbnails 4 bits a pixel, all in base64.
 * A hovered test image the attribution stage mapped (a hard negative, a most confident correct image) shows its maps
 * in the hover box, a small canvas per method; selecting it alone (a click, a search, the report's list) keeps them
 * beside the selection. They travel as a signed byte a pixel with a scale a map.
 *
 * The page's hook for other panels, window.layerscope:
 *   layerscope.select(points, source)  select these points (indices into the explorer's points: the training points
 *                                      first, then the test points); an empty array clears the selection; source is
 *                                      a short text saying why ("lasso", "confusion", ...), shown with the count
 *   layerscope.onPointClick(callback)  callback({point, split, sourceIndex, label, predicted, probabilities}) when a
 *                                      point of the map is clicked; predicted is -1 and probabilities null for a
 *                                      training point when the run kept no output for them (capture.outputs =
 *                                      false); returns a function that removes the callback
 *   layerscope.onSelect(callback)      callback(points) whenever the selection changes
 *   layerscope.pointOfTestIndex(t)     the point of test image t, or -1
 *   layerscope.thumbnail(point)        the point's thumbnail as ImageData (grey, 4-bit levels spread over 0..255)
 *   layerscope.attribution(t)          test image t's attribution maps as decoded, {testIndex, kind, target,
 *                                      completenessError, maps: [{method, signed, scale, values}]}, or null
 * and, for the report's browser tests, what was drawn: pointsDrawn(), frames(), drawnMap(), hovered(), screenOf(i),
 * testIndexOf(i), selected(), counts(), drawTimes(), benchmarkDraw(frames), loadMs().
 */
(function () {
  'use strict';
  const started = performance.now();
  const data = JSON.parse(document.getElementById('layerscope-data').textContent);

  function bytes(base64) {
    const text = atob(base64);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }

  const labels = bytes(data.labels);
  const n = labels.length;
  const trainCount = data.trainCount;
  const testCount = n - trainCount;
  const classCount = data.classNames.length;
  // typed views of little-endian buffers: every platform a browser runs on is little-endian
  const sourceIndex = new Int32Array(bytes(data.sourceIndex).buffer);
  const testProbabilities = new Uint16Array(bytes(data.testProbabilities).buffer);
  const trainProbabilities = new Uint16Array(bytes(data.trainProbabilities).buffer);
  // the training points' output is there unless the run's capture kept none (capture.outputs = false)
  const trainOutput = trainProbabilities.length > 0;
  const thumbInfo = data.thumbnails;
  const thumbPacked = bytes(thumbInfo.packed);
  const thumbBytes = Math.ceil(thumbInfo.rows * thumbInfo.cols / 2);

  /** Probability of class c for point i, or NaN for a training point when the run kept no output for them. */
  function probability(i, c) {
    if (i >= trainCount) return testProbabilities[(i - trainCount) * classCount + c] / 65535;
    return trainOutput ? trainProbabilities[i * classCount + c] / 65535 : NaN;
  }

  // per point: the predicted class (-1 without an output), confidence, margin of the top two and the true class's loss
  const predicted = new Int16Array(n).fill(-1);
  const confidence = new Float32Array(n).fill(NaN);
  const margin = new Float32Array(n).fill(NaN);
  const loss = new Float32Array(n).fill(NaN);
  // a probability quantised to 0 counts as half a step, so a loss stays finite: at most ln(131070) = 11.8
  const SMALLEST = 0.5 / 65535;
  for (let i = trainOutput ? 0 : trainCount; i < n; i++) {
    let best = 0, second = -1;
    for (let c = 1; c < classCount; c++) {
      const p = probability(i, c);
      if (p > probability(i, best)) { second = best; best = c; }
      else if (second < 0 || p > probability(i, second)) second = c;
    }
    predicted[i] = best;
    confidence[i] = probability(i, best);
    margin[i] = second < 0 ? confidence[i] : confidence[i] - probability(i, second);
    loss[i] = -Math.log(Math.max(SMALLEST, probability(i, labels[i])));
  }

  // Tableau 10; classes beyond ten get hues a golden angle apart, alternating lightness, so neighbours differ.
  const TABLEAU_10 = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f',
    '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
  const palette = Array.from({ length: classCount }, (_, c) => c < TABLEAU_10.length ? TABLEAU_10[c]
    : 'hsl(' + Math.round((c * 137.508) % 360) + ', 60%, ' + (c % 2 ? 42 : 58) + '%)');
  // viridis at ten evenly spaced stops: perceptually uniform, readable in grey and by the colour-blind
  const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e',
    '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'];
  const NO_OUTPUT = '#c8ccd1';
  const GOOD = '#1a7f37', BAD = '#cf222e';

  const POINT = n > 20000 ? 2 : 3;   // CSS pixels, a square, whatever the zoom
  const HOVER_RADIUS = 6;            // CSS pixels: how near the cursor a point must be to be hovered
  const PAD = 24;                    // CSS pixels between the fitted map and the canvas edge
  const THUMBS_LISTED = 60;          // thumbnails listed beside a selection

  const hidden = new Uint8Array(classCount);
  const classCounts = new Int32Array(classCount);
  for (let i = 0; i < n; i++) classCounts[labels[i]]++;

  const canvas = document.getElementById('ls-canvas');
  const ctx = canvas.getContext('2d');
  const tooltip = document.getElementById('ls-tooltip');
  const thumb = document.getElementById('ls-thumb');
  const thumbCtx = thumb.getContext('2d');
  const tipMaps = document.getElementById('ls-tip-maps');
  const mapSelect = document.getElementById('ls-map');
  const splitSelect = document.getElementById('ls-split');
  const colourSelect = document.getElementById('ls-colour');
  const knnLabel = document.getElementById('ls-knn');
  const countLabel = document.getElementById('ls-count');
  const lassoButton = document.getElementById('ls-lasso');
  thumb.width = thumbInfo.cols;
  thumb.height = thumbInfo.rows;

  // view: screen = (tx + x * scale, ty - y * scale) in CSS pixels; y grows upwards as in the static figures
  const view = { scale: 1, tx: 0, ty: 0, fitScale: 1 };
  const state = { map: 0, hovered: -1, pointsDrawn: 0, trainDrawn: 0, testDrawn: 0, frames: 0, drawnMap: -1,
    pending: false, width: 0, height: 0, drag: null, lasso: null, split: 'both', loadMs: -1, tipMaps: -1 };
  const drawTimes = [];
  const decoded = [];
  const grids = [];

  /** Map m's coordinates as floats, decoded from its 16-bit steps once. */
  function coords(m) {
    if (decoded[m]) return decoded[m];
    const map = data.maps[m];
    const raw = bytes(map.xy);
    const q = new Uint16Array(raw.buffer);
    const xy = new Float32Array(2 * n);
    const sx = (map.maxX - map.minX) / 65535, sy = (map.maxY - map.minY) / 65535;
    for (let i = 0; i < n; i++) {
      xy[2 * i] = map.minX + q[2 * i] * sx;
      xy[2 * i + 1] = map.minY + q[2 * i + 1] * sy;
    }
    decoded[m] = xy;
    return xy;
  }

  function bounds(m) {
    const map = data.maps[m];
    return n ? { minX: map.minX, minY: map.minY, maxX: map.maxX, maxY: map.maxY }
      : { minX: 0, minY: 0, maxX: 1, maxY: 1 };
  }

  function visible(i) {
    if (hidden[labels[i]]) return false;
    return state.split === 'both' || (state.split === 'train') === (i < trainCount);
  }

  /** The points of map m bucketed into side x side cells (about 8 points a cell), as offsets into one array. */
  function grid(m) {
    if (grids[m]) return grids[m];
    const xy = coords(m);
    const b = bounds(m);
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
    grids[m] = { side, cellX, cellY, start, points };
    return grids[m];
  }

  function fit() {
    if (!data.maps.length) return;
    const b = bounds(state.map);
    const w = Math.max(1, state.width - 2 * PAD), h = Math.max(1, state.height - 2 * PAD);
    view.scale = view.fitScale = Math.min(w / ((b.maxX - b.minX) || 1), h / ((b.maxY - b.minY) || 1));
    view.tx = state.width / 2 - (b.minX + b.maxX) / 2 * view.scale;
    view.ty = state.height / 2 + (b.minY + b.maxY) / 2 * view.scale;
  }

  function screenOf(i) {
    const xy = coords(state.map);
    return [view.tx + xy[2 * i] * view.scale, view.ty - xy[2 * i + 1] * view.scale];
  }

  /** The visible point nearest to (sx, sy) within HOVER_RADIUS, or -1. */
  function pointAt(sx, sy) {
    if (!data.maps.length) return -1;
    const g = grid(state.map);
    const xy = coords(state.map);
    const x = (sx - view.tx) / view.scale, y = (view.ty - sy) / view.scale, r = HOVER_RADIUS / view.scale;
    let best = -1, bestD = HOVER_RADIUS * HOVER_RADIUS;
    for (let cy = g.cellY(y - r); cy <= g.cellY(y + r); cy++) {
      for (let cx = g.cellX(x - r); cx <= g.cellX(x + r); cx++) {
        const cell = cy * g.side + cx;
        for (let k = g.start[cell]; k < g.start[cell + 1]; k++) {
          const i = g.points[k];
          if (!visible(i)) continue;
          const dx = (xy[2 * i] - x) * view.scale, dy = (xy[2 * i + 1] - y) * view.scale;
          const d = dx * dx + dy * dy;
          if (d <= bestD) { bestD = d; best = i; }
        }
      }
    }
    return best;
  }

  // ---- colours: every point gets a bin, each bin one colour; the points sorted by bin, so a frame sets
  // fillStyle once a bin
  const colouring = { bins: [], binOf: new Uint8Array(n), order: new Int32Array(n), start: new Int32Array(1),
    scale: null };

  function continuous(values, label, lo, hi, format) {
    const binOf = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      binOf[i] = Number.isNaN(v) ? VIRIDIS.length
        : Math.min(VIRIDIS.length - 1, Math.max(0, Math.floor((v - lo) / ((hi - lo) || 1) * VIRIDIS.length)));
    }
    return { bins: VIRIDIS.concat([NO_OUTPUT]), binOf, scale: { label, min: format(lo), max: format(hi) } };
  }

  function colourBy(mode) {
    let chosen;
    if (mode === 'class') {
      chosen = { bins: palette, binOf: labels, scale: null };
    } else if (mode === 'correct') {
      const binOf = new Uint8Array(n);
      for (let i = 0; i < n; i++) binOf[i] = predicted[i] < 0 ? 2 : predicted[i] === labels[i] ? 0 : 1;
      chosen = { bins: [GOOD, BAD, NO_OUTPUT], binOf, scale: null };
    } else if (mode === 'confidence') {
      chosen = continuous(confidence, 'confidence (top probability)', 0, 1, v => v.toFixed(2));
    } else if (mode === 'margin') {
      chosen = continuous(margin, 'margin (top minus second probability)', 0, 1, v => v.toFixed(2));
    } else {
      let most = 0;
      for (let i = 0; i < n; i++) if (!Number.isNaN(loss[i])) most = Math.max(most, loss[i]);
      chosen = continuous(loss, 'loss of the true class (\u2212ln p)', 0, most, v => v.toFixed(2));
    }
    const start = new Int32Array(chosen.bins.length + 1);
    for (let i = 0; i < n; i++) start[chosen.binOf[i] + 1]++;
    for (let b = 0; b < chosen.bins.length; b++) start[b + 1] += start[b];
    const order = new Int32Array(n);
    const fill = start.slice(0, chosen.bins.length);
    for (let i = 0; i < n; i++) order[fill[chosen.binOf[i]]++] = i;
    colouring.mode = mode;
    colouring.bins = chosen.bins;
    colouring.binOf = chosen.binOf;
    colouring.order = order;
    colouring.start = start;
    colouring.scale = chosen.scale;
    colouring.rgb = chosen.bins.map(rgbOf);
    showScale(mode);
    drawMultiples();
    request();
  }

  const rgbProbe = document.createElement('canvas').getContext('2d');
  function rgbOf(colour) {
    rgbProbe.fillStyle = '#000';
    rgbProbe.fillStyle = colour;
    const hex = rgbProbe.fillStyle;   // a canvas reports an opaque colour as #rrggbb
    return [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
  }

  // ---- selection
  const selected = new Uint8Array(n);
  let selection = [];
  const clickCallbacks = [];
  const selectCallbacks = [];

  function select(points, source) {
    selected.fill(0);
    selection = [];
    for (const p of points) {
      const i = Number(p);
      if (Number.isInteger(i) && i >= 0 && i < n && !selected[i]) {
        selected[i] = 1;
        selection.push(i);
      }
    }
    showSelection(source || '');
    // one test image selected (a click, a search, a hard negative of the report): its maps, where it has them
    showPinned(selection.length === 1 && selection[0] >= trainCount ? sourceIndex[selection[0]] : -1,
      selection.length === 1 ? selection[0] : -1);
    drawMultiples();
    request();
    for (const callback of selectCallbacks) callback(selection.slice());
  }

  // ---- drawing
  function request() {
    if (!state.pending) {
      state.pending = true;
      requestAnimationFrame(draw);
    }
  }

  function draw() {
    const t0 = performance.now();
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
    let train = 0, test = 0;
    if (data.maps.length) {
      const xy = coords(state.map);
      const { bins, order, start } = colouring;
      const half = POINT / 2;
      const scale = view.scale, tx = view.tx, ty = view.ty;
      ctx.globalAlpha = selection.length ? 0.18 : 0.8;
      for (let b = 0; b < bins.length; b++) {
        ctx.fillStyle = bins[b];
        for (let k = start[b]; k < start[b + 1]; k++) {
          const i = order[k];
          if (!visible(i)) continue;
          // counted whether or not the view shows it (the count says what the filters show), drawn when on screen
          if (i < trainCount) train++; else test++;
          const sx = tx + xy[2 * i] * scale - half, sy = ty - xy[2 * i + 1] * scale - half;
          if (sx > -POINT && sy > -POINT && sx < w && sy < h) ctx.fillRect(sx, sy, POINT, POINT);
        }
      }
      ctx.globalAlpha = 1;
      if (selection.length) {
        // the selected points on top, larger and outlined, in their colours
        ctx.fillStyle = '#1f2328';
        for (const i of selection) {
          if (!visible(i)) continue;
          ctx.fillRect(tx + xy[2 * i] * scale - half - 1.5, ty - xy[2 * i + 1] * scale - half - 1.5,
            POINT + 3, POINT + 3);
        }
        for (const i of selection) {
          if (!visible(i)) continue;
          ctx.fillStyle = bins[colouring.binOf[i]];
          ctx.fillRect(tx + xy[2 * i] * scale - half - 0.5, ty - xy[2 * i + 1] * scale - half - 0.5,
            POINT + 1, POINT + 1);
        }
      }
      if (state.hovered >= 0) {
        const [sx, sy] = screenOf(state.hovered);
        ctx.lineWidth = 2;
        ctx.strokeStyle = '#1f2328';
        ctx.beginPath();
        ctx.arc(sx, sy, POINT + 3, 0, 2 * Math.PI);
        ctx.stroke();
      }
      if (state.lasso && state.lasso.length > 1) {
        ctx.lineWidth = 1.5;
        ctx.strokeStyle = '#1f2328';
        ctx.setLineDash([4, 3]);
        ctx.beginPath();
        state.lasso.forEach(([x, y], k) => k ? ctx.lineTo(x, y) : ctx.moveTo(x, y));
        ctx.closePath();
        ctx.stroke();
        ctx.setLineDash([]);
      }
    }
    state.pointsDrawn = train + test;
    state.trainDrawn = train;
    state.testDrawn = test;
    state.drawnMap = data.maps.length ? state.map : -1;
    state.frames++;
    const text = count(train + test) + ' points: ' + count(train) + ' train, ' + count(test) + ' test';
    if (countLabel.textContent !== text) countLabel.textContent = text;
    drawTimes.push(performance.now() - t0);
    if (drawTimes.length > 200) drawTimes.shift();
    if (state.loadMs < 0) state.loadMs = performance.now();
  }

  function count(v) {
    return v.toLocaleString('en-US');
  }

  // ---- thumbnails
  function thumbnailData(i) {
    const image = new ImageData(thumbInfo.cols, thumbInfo.rows);
    const size = thumbInfo.rows * thumbInfo.cols;
    const base = i * thumbBytes;
    for (let p = 0; p < size; p++) {
      const b = thumbPacked[base + (p >> 1)];
      const level = (p & 1) ? b & 15 : b >> 4;
      const grey = Math.round(level * 255 / (thumbInfo.levels - 1));
      image.data[4 * p] = image.data[4 * p + 1] = image.data[4 * p + 2] = grey;
      image.data[4 * p + 3] = 255;
    }
    return image;
  }

  function thumbCanvas(i) {
    const c = document.createElement('canvas');
    c.width = thumbInfo.cols;
    c.height = thumbInfo.rows;
    c.getContext('2d').putImageData(thumbnailData(i), 0, 0);
    return c;
  }

  // ---- attribution maps (the attribution stage's, of the hard negatives and the most confident correct images),
  // found by test index; one signed byte a pixel with a scale a map (see HtmlReport.attributionJson)
  const attribution = data.attribution;
  const attributionMethods = attribution.methods;
  const mapSize = attribution.rows * attribution.cols;
  const attributionCodes = new Int8Array(bytes(attribution.maps).buffer);
  const attributionRow = new Map();
  attribution.images.forEach((image, row) => attributionRow.set(image.testIndex, row));
  const MAP_PIXELS = 72;        // CSS pixels of a map in the hover box
  const PINNED_MAP_PIXELS = 112; // and beside the selection

  /** Test image t's maps, decoded: {testIndex, kind, target, completenessError, maps: [{method, signed, scale,
   * values}]}, or null when it has none. */
  function attributionOf(t) {
    const row = attributionRow.get(Number(t));
    if (row === undefined) return null;
    const image = attribution.images[row];
    return { testIndex: image.testIndex, kind: image.kind, target: image.target,
      completenessError: image.completenessError,
      maps: attributionMethods.map((method, m) => {
        const k = row * attributionMethods.length + m;
        const scale = attribution.scales[k];
        const values = new Array(mapSize);
        for (let p = 0; p < mapSize; p++) values[p] = attributionCodes[k * mapSize + p] * scale;
        return { method: method.name, signed: method.signed, scale, values };
      }) };
  }

  /** The image under a map drawn over it: point's thumbnail stretched to the map's size, or white without one. */
  function underlay(point) {
    const grey = new Float32Array(mapSize).fill(255);
    if (point < 0) return grey;
    const thumbnail = thumbnailData(point).data;
    for (let y = 0; y < attribution.rows; y++) {
      const ty = Math.min(thumbInfo.rows - 1, Math.floor(y * thumbInfo.rows / attribution.rows));
      for (let x = 0; x < attribution.cols; x++) {
        const tx = Math.min(thumbInfo.cols - 1, Math.floor(x * thumbInfo.cols / attribution.cols));
        grey[y * attribution.cols + x] = thumbnail[4 * (ty * thumbInfo.cols + tx)];
      }
    }
    return grey;
  }

  /**
   * Map m of image row as a canvas, a pixel a value, against the map's largest absolute value: a signed map in
   * diverging colours (red positive, white zero, blue negative); one at least 0 (Grad-CAM) over the image, red the
   * more opaque the larger, as the report's PNGs draw every map.
   */
  function mapCanvas(row, m, point) {
    const c = document.createElement('canvas');
    c.width = attribution.cols;
    c.height = attribution.rows;
    const image = new ImageData(attribution.cols, attribution.rows);
    const px = image.data;
    const base = (row * attributionMethods.length + m) * mapSize;
    let most = 0;
    for (let p = 0; p < mapSize; p++) most = Math.max(most, Math.abs(attributionCodes[base + p]));
    const grey = attributionMethods[m].signed ? null : underlay(point);
    for (let p = 0; p < mapSize; p++) {
      const t = most ? attributionCodes[base + p] / most : 0;
      let r, g, b;
      if (grey) {
        const a = Math.abs(t), under = grey[p] * (1 - a);
        r = under + (t > 0 ? 255 * a : 0);
        g = under;
        b = under + (t < 0 ? 255 * a : 0);
      } else if (t >= 0) {
        r = 255;
        g = b = 255 * (1 - t);
      } else {
        r = g = 255 * (1 + t);
        b = 255;
      }
      px[4 * p] = Math.round(r);
      px[4 * p + 1] = Math.round(g);
      px[4 * p + 2] = Math.round(b);
      px[4 * p + 3] = 255;
    }
    c.getContext('2d').putImageData(image, 0, 0);
    return c;
  }

  /**
   * Fills box with test image t's maps, a figure per method named by it (point: t's point, for the image under
   * Grad-CAM, or -1); hides the box and returns false when t has none.
   */
  function showMaps(box, t, point, pixels, long) {
    box.replaceChildren();
    const row = t < 0 ? undefined : attributionRow.get(Number(t));
    if (row === undefined) {
      box.hidden = true;
      return false;
    }
    const image = attribution.images[row];
    const title = document.createElement('div');
    title.className = 'ls-maps-title';
    title.textContent = long
      ? 'Test image #' + image.testIndex + ', a ' + image.kind + ': which pixels drove the score of '
        + data.classNames[image.target] + ' (red raised it, blue lowered it; Grad-CAM red over the image)'
      : 'Attribution (' + image.kind + '), the score of ' + data.classNames[image.target] + ':';
    const figures = document.createElement('div');
    figures.className = 'ls-maps-row';
    attributionMethods.forEach((method, m) => {
      const figure = document.createElement('figure');
      figure.dataset.method = method.name;
      const c = mapCanvas(row, m, point);
      c.style.width = pixels + 'px';
      c.style.height = Math.round(pixels * attribution.rows / attribution.cols) + 'px';
      const caption = document.createElement('figcaption');
      const name = document.createElement('div');
      name.className = 'ls-map-name';
      name.textContent = method.name;
      caption.append(name);
      if (method.name === 'integrated-gradients' && image.completenessError !== null) {
        const error = document.createElement('div');
        error.className = 'ls-dim';
        error.textContent = 'completeness ' + (100 * image.completenessError).toFixed(2) + ' %';
        caption.append(error);
      }
      figure.append(c, caption);
      figures.append(figure);
    });
    box.append(title, figures);
    box.hidden = false;
    return true;
  }

  const pinned = document.getElementById('ls-attribution');
  /** Beside the selection: test image t's maps, kept until the selection changes; nothing when it has none. */
  function showPinned(t, point) {
    showMaps(pinned, t, point, PINNED_MAP_PIXELS, true);
  }

  function describe(i) {
    return (i < trainCount ? 'training image #' : 'test image #') + sourceIndex[i];
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
    const truth = labels[i], guess = predicted[i];
    thumbCtx.putImageData(thumbnailData(i), 0, 0);
    document.getElementById('ls-tip-true').textContent = 'True: ' + data.classNames[truth];
    const predictedLine = document.getElementById('ls-tip-predicted');
    predictedLine.textContent = guess < 0 ? 'Predicted: (a training point: this run kept no output for them)'
      : 'Predicted: ' + data.classNames[guess];
    predictedLine.className = guess < 0 || truth === guess ? '' : 'ls-wrong';
    document.getElementById('ls-tip-top').textContent = guess < 0 ? '' : topThree(i);
    document.getElementById('ls-tip-index').textContent = describe(i);
    // a mapped test image's attribution maps beside its image, drawn when the hovered point changes; no box at all
    // for another point
    if (state.tipMaps !== i) {
      showMaps(tipMaps, i >= trainCount ? sourceIndex[i] : -1, i, MAP_PIXELS, false);
      state.tipMaps = i;
    }
    tooltip.hidden = false;
    // beside the cursor, flipped to the other side near the right or bottom edge
    const left = sx + 14 + tooltip.offsetWidth > state.width ? sx - 14 - tooltip.offsetWidth : sx + 14;
    const top = sy + 14 + tooltip.offsetHeight > state.height ? sy - 14 - tooltip.offsetHeight : sy + 14;
    tooltip.style.left = Math.max(0, left) + 'px';
    tooltip.style.top = Math.max(0, top) + 'px';
  }

  function topThree(i) {
    const classes = Array.from({ length: classCount }, (_, c) => c)
      .sort((a, b) => probability(i, b) - probability(i, a) || a - b).slice(0, 3);
    return classes.map(c => data.classNames[c] + ' ' + probability(i, c).toFixed(3)).join(', ');
  }

  function local(event) {
    const r = canvas.getBoundingClientRect();
    return [event.clientX - r.left, event.clientY - r.top];
  }

  /** Whether screen point (x, y) is inside the polygon (even-odd rule). */
  function inside(polygon, x, y) {
    let odd = false;
    for (let a = 0, b = polygon.length - 1; a < polygon.length; b = a++) {
      const [xa, ya] = polygon[a], [xb, yb] = polygon[b];
      if ((ya > y) !== (yb > y) && x < (xb - xa) * (y - ya) / (yb - ya) + xa) odd = !odd;
    }
    return odd;
  }

  function lassoSelect(polygon) {
    const xy = coords(state.map);
    const chosen = [];
    for (let i = 0; i < n; i++) {
      if (!visible(i)) continue;
      if (inside(polygon, view.tx + xy[2 * i] * view.scale, view.ty - xy[2 * i + 1] * view.scale)) chosen.push(i);
    }
    select(chosen, 'lasso on ' + mapName(state.map));
  }

  function pointInfo(i) {
    return { point: i, split: i < trainCount ? 'train' : 'test', sourceIndex: sourceIndex[i], label: labels[i],
      predicted: predicted[i],
      probabilities: predicted[i] < 0 ? null : Array.from({ length: classCount }, (_, c) => probability(i, c)) };
  }

  canvas.addEventListener('pointerdown', event => {
    if (event.button !== 0) return;
    canvas.setPointerCapture(event.pointerId);
    const at = local(event);
    if (lassoButton.getAttribute('aria-pressed') === 'true' || event.shiftKey) {
      state.lasso = [at];
    } else {
      canvas.classList.add('ls-dragging');
      state.drag = { last: at, from: at, moved: false };
    }
    hover(null, null);
  });
  canvas.addEventListener('pointermove', event => {
    const [sx, sy] = local(event);
    if (state.lasso) {
      state.lasso.push([sx, sy]);
      request();
    } else if (state.drag) {
      view.tx += sx - state.drag.last[0];
      view.ty += sy - state.drag.last[1];
      state.drag.last = [sx, sy];
      if (Math.hypot(sx - state.drag.from[0], sy - state.drag.from[1]) > 3) state.drag.moved = true;
      request();
    } else {
      hover(sx, sy);
    }
  });
  const endDrag = event => {
    if (state.lasso) {
      const polygon = state.lasso;
      state.lasso = null;
      if (polygon.length > 2) lassoSelect(polygon);
      request();
      return;
    }
    const drag = state.drag;
    state.drag = null;
    canvas.classList.remove('ls-dragging');
    if (drag && !drag.moved && event.type === 'pointerup') {
      const [sx, sy] = local(event);
      const i = pointAt(sx, sy);
      if (i >= 0) {
        select([i], 'click');
        const info = pointInfo(i);
        for (const callback of clickCallbacks) callback(info);
      }
    }
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener('pointerleave', () => { if (!state.drag && !state.lasso) hover(null, null); });
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
  document.getElementById('ls-clear').addEventListener('click', () => select([], ''));
  lassoButton.addEventListener('click', () => lassoButton.setAttribute('aria-pressed',
    lassoButton.getAttribute('aria-pressed') === 'true' ? 'false' : 'true'));
  splitSelect.addEventListener('change', () => {
    state.split = splitSelect.value;
    hover(null, null);
    drawMultiples();
    request();
  });
  colourSelect.addEventListener('change', () => colourBy(colourSelect.value));

  // ---- search by test index
  let byTestIndex = null;
  function pointOfTestIndex(t) {
    if (!byTestIndex) {
      byTestIndex = new Map();
      for (let i = trainCount; i < n; i++) byTestIndex.set(sourceIndex[i], i);
    }
    const i = byTestIndex.get(Number(t));
    return i === undefined ? -1 : i;
  }
  const search = document.getElementById('ls-search');
  search.addEventListener('keydown', event => {
    if (event.key === 'Enter') search.dispatchEvent(new Event('change'));
  });
  search.addEventListener('change', () => {
    if (search.value === '') return;
    const i = pointOfTestIndex(search.value);
    select(i < 0 ? [] : [i], i < 0 ? 'no test image #' + search.value + ' among the points' : 'test image #'
      + search.value);
  });

  // the report's hard negatives (images marked with their test index) select themselves in the explorer
  document.querySelectorAll('img[data-test-index]').forEach(image => {
    image.classList.add('ls-pickable');
    image.title = 'select test image #' + image.dataset.testIndex + ' in the explorer';
    image.addEventListener('click', () => {
      const i = pointOfTestIndex(image.dataset.testIndex);
      select(i < 0 ? [] : [i], i < 0 ? 'test image #' + image.dataset.testIndex + ' is not among the points'
        : 'hard negative, test image #' + image.dataset.testIndex);
      // an image the maps leave out (capture.per-class) still shows its attribution maps
      if (i < 0) showPinned(Number(image.dataset.testIndex), -1);
      document.getElementById('explorer').scrollIntoView({ block: 'start' });
    });
  });

  function mapName(m) {
    return data.maps[m].input + ' \u00b7 ' + data.maps[m].method;
  }

  data.maps.forEach((m, index) => mapSelect.add(new Option(mapName(index), String(index))));
  function showMap(index) {
    state.map = index;
    const acc = data.maps.length ? data.maps[index].knnAccuracy : null;
    knnLabel.textContent = acc === null ? '' : 'kNN accuracy ' + (100 * acc).toFixed(2) + ' %';
    if (state.width) fit();
    hover(null, null);
    request();
  }
  mapSelect.addEventListener('change', () => showMap(Number(mapSelect.value)));

  // ---- the class legend and the scale of a continuous colour
  const legend = document.getElementById('ls-legend');
  data.classNames.forEach((name, c) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.class = String(c);
    button.setAttribute('aria-pressed', 'true');
    const swatch = document.createElement('span');
    swatch.className = 'ls-swatch';
    swatch.style.background = palette[c];
    const counted = document.createElement('span');
    counted.className = 'ls-dim';
    counted.textContent = String(classCounts[c]);
    button.append(swatch, document.createTextNode(name), counted);
    button.addEventListener('click', () => {
      hidden[c] ^= 1;
      button.setAttribute('aria-pressed', hidden[c] ? 'false' : 'true');
      if (state.hovered >= 0 && !visible(state.hovered)) hover(null, null);
      drawMultiples();
      request();
    });
    const item = document.createElement('li');
    item.append(button);
    legend.append(item);
  });

  function showScale(mode) {
    const box = document.getElementById('ls-scale');
    const note = trainCount && !trainOutput
      ? 'grey: training points (this run kept the network\u2019s output for the test split only)' : '';
    if (mode === 'class') {
      box.hidden = true;
      return;
    }
    box.hidden = false;
    const bar = document.getElementById('ls-scale-bar');
    const barCtx = bar.getContext('2d');
    barCtx.clearRect(0, 0, bar.width, bar.height);
    if (colouring.scale) {
      document.getElementById('ls-scale-label').textContent = colouring.scale.label;
      document.getElementById('ls-scale-min').textContent = colouring.scale.min;
      document.getElementById('ls-scale-max').textContent = colouring.scale.max;
      const step = bar.width / VIRIDIS.length;
      VIRIDIS.forEach((colour, b) => {
        barCtx.fillStyle = colour;
        barCtx.fillRect(b * step, 0, Math.ceil(step), bar.height);
      });
    } else {
      document.getElementById('ls-scale-label').textContent = 'correct (green) / wrong (red)';
      document.getElementById('ls-scale-min').textContent = '';
      document.getElementById('ls-scale-max').textContent = '';
      barCtx.fillStyle = GOOD;
      barCtx.fillRect(0, 0, bar.width / 2, bar.height);
      barCtx.fillStyle = BAD;
      barCtx.fillRect(bar.width / 2, 0, bar.width / 2, bar.height);
    }
    document.getElementById('ls-scale-note').textContent = note;
  }

  // ---- the confusion matrix of the test points: a cell selects its images
  const confusion = document.getElementById('ls-confusion');
  (function confusionTable() {
    const cells = Array.from({ length: classCount }, () => new Int32Array(classCount));
    for (let i = trainCount; i < n; i++) cells[labels[i]][predicted[i]]++;
    const head = confusion.createTHead().insertRow();
    head.insertCell().textContent = '';
    data.classNames.forEach(name => {
      const th = document.createElement('th');
      th.textContent = name;
      head.append(th);
    });
    const body = confusion.createTBody();
    cells.forEach((row, t) => {
      const tr = body.insertRow();
      const th = document.createElement('th');
      th.textContent = data.classNames[t];
      tr.append(th);
      const total = row.reduce((a, b) => a + b, 0) || 1;
      row.forEach((value, p) => {
        const td = tr.insertCell();
        td.className = 'num' + (t === p ? ' ls-diagonal' : '');
        td.dataset.true = String(t);
        td.dataset.predicted = String(p);
        td.textContent = String(value);
        const share = value / total;
        td.style.background = t === p ? 'rgba(26, 127, 55, ' + (0.08 + 0.4 * share).toFixed(3) + ')'
          : value ? 'rgba(207, 34, 46, ' + (0.08 + 0.8 * Math.sqrt(share)).toFixed(3) + ')' : '';
        td.addEventListener('click', () => {
          const chosen = [];
          for (let i = trainCount; i < n; i++) if (labels[i] === t && predicted[i] === p) chosen.push(i);
          select(chosen, 'true ' + data.classNames[t] + ', predicted ' + data.classNames[p]);
        });
      });
    });
  })();

  // ---- the selection's panel: its count, a class histogram, its first thumbnails
  function showSelection(source) {
    const countLine = document.getElementById('ls-selection-count');
    const histogram = document.getElementById('ls-histogram');
    const thumbs = document.getElementById('ls-thumbs');
    histogram.replaceChildren();
    thumbs.replaceChildren();
    if (!selection.length) {
      countLine.textContent = source ? source + ': nothing selected.' : 'Nothing selected.';
      return;
    }
    let train = 0;
    const perClass = new Int32Array(classCount);
    for (const i of selection) {
      perClass[labels[i]]++;
      if (i < trainCount) train++;
    }
    countLine.textContent = count(selection.length) + ' selected (' + count(train) + ' train, '
      + count(selection.length - train) + ' test)' + (source ? ': ' + source : '');
    const most = Math.max(...perClass);
    perClass.forEach((value, c) => {
      if (!value) return;
      const row = document.createElement('div');
      row.className = 'ls-bar';
      row.dataset.class = String(c);
      const name = document.createElement('span');
      name.textContent = data.classNames[c];
      const bar = document.createElement('span');
      bar.className = 'ls-bar-fill';
      bar.style.width = (100 * value / most).toFixed(1) + '%';
      bar.style.background = palette[c];
      const number = document.createElement('span');
      number.className = 'ls-dim';
      number.textContent = String(value);
      row.append(name, bar, number);
      histogram.append(row);
    });
    for (const i of selection.slice(0, THUMBS_LISTED)) {
      const c = thumbCanvas(i);
      c.className = 'ls-thumb-small';
      c.title = describe(i) + ': ' + data.classNames[labels[i]]
        + (predicted[i] >= 0 ? ', predicted ' + data.classNames[predicted[i]] : '');
      c.dataset.point = String(i);
      thumbs.append(c);
    }
  }

  // ---- small multiples: every map, the selection lit up in each
  const MULTIPLE = 180;
  const multiples = document.getElementById('ls-multiples');
  const multipleCanvases = data.maps.map((m, index) => {
    const figure = document.createElement('figure');
    const c = document.createElement('canvas');
    c.width = c.height = MULTIPLE;
    c.dataset.map = String(index);
    c.title = 'show ' + mapName(index) + ' above';
    c.addEventListener('click', () => {
      mapSelect.value = String(index);
      showMap(index);
    });
    const caption = document.createElement('figcaption');
    caption.textContent = mapName(index);
    figure.append(c, caption);
    multiples.append(figure);
    return c;
  });

  function drawMultiples() {
    if (!colouring.rgb) return;
    multipleCanvases.forEach((c, m) => {
      const xy = coords(m);
      const b = bounds(m);
      const inner = MULTIPLE - 8;
      const s = Math.min(inner / ((b.maxX - b.minX) || 1), inner / ((b.maxY - b.minY) || 1));
      const ox = MULTIPLE / 2 - (b.minX + b.maxX) / 2 * s, oy = MULTIPLE / 2 + (b.minY + b.maxY) / 2 * s;
      const image = new ImageData(MULTIPLE, MULTIPLE);
      const px = image.data;
      px.fill(255);
      const plot = (i, rgb, size) => {
        const x = Math.round(ox + xy[2 * i] * s), y = Math.round(oy - xy[2 * i + 1] * s);
        for (let dy = 0; dy < size; dy++) {
          for (let dx = 0; dx < size; dx++) {
            const X = x + dx, Y = y + dy;
            if (X < 0 || Y < 0 || X >= MULTIPLE || Y >= MULTIPLE) continue;
            const o = 4 * (Y * MULTIPLE + X);
            px[o] = rgb[0]; px[o + 1] = rgb[1]; px[o + 2] = rgb[2];
          }
        }
      };
      const faint = [214, 218, 223];
      for (let i = 0; i < n; i++) {
        if (!visible(i)) continue;
        plot(i, selection.length ? faint : colouring.rgb[colouring.binOf[i]], 1);
      }
      for (const i of selection) if (visible(i)) plot(i, colouring.rgb[colouring.binOf[i]], 2);
      c.getContext('2d').putImageData(image, 0, 0);
    });
  }

  if (!data.maps.length) {
    mapSelect.disabled = true;
    knnLabel.textContent = 'This run has no 2-D maps.';
  }
  new ResizeObserver(request).observe(canvas);
  colourBy('class');
  showMap(0);

  window.layerscope = Object.assign(window.layerscope || {}, {
    /** Select these points (see the top of this file); an empty array clears the selection. */
    select: (points, source) => select(points, source),
    /** Calls callback(info) when a point is clicked; returns a function that removes it. */
    onPointClick: callback => {
      clickCallbacks.push(callback);
      return () => clickCallbacks.splice(clickCallbacks.indexOf(callback), 1);
    },
    /** Calls callback(points) whenever the selection changes; returns a function that removes it. */
    onSelect: callback => {
      selectCallbacks.push(callback);
      return () => selectCallbacks.splice(selectCallbacks.indexOf(callback), 1);
    },
    /** The point of test image t, or -1. */
    pointOfTestIndex: t => pointOfTestIndex(t),
    /** A point's thumbnail as ImageData. */
    thumbnail: i => thumbnailData(i),
    /**
     * Test image t's attribution maps as the page decoded them, {testIndex, kind, target, completenessError, maps:
     * [{method, signed, scale, values}]}, or null when the page holds none.
     */
    attribution: t => attributionOf(t),
    /** The selected points, in the order they were selected. */
    selected: () => selection.slice(),
    /** How many points the last frame showed: all that pass the split and class filters, panned into view or not. */
    pointsDrawn: () => state.pointsDrawn,
    /** The last frame's points per split. */
    counts: () => ({ train: state.trainDrawn, test: state.testDrawn }),
    /** Frames drawn so far. */
    frames: () => state.frames,
    /** The index of the map the last frame drew, -1 when there is none. */
    drawnMap: () => state.drawnMap,
    /** The hovered point, -1 when none. */
    hovered: () => state.hovered,
    /** Where point i is drawn, in CSS pixels from the canvas's top-left corner. */
    screenOf: i => screenOf(i),
    /** Point i's test index, -1 for a training point. */
    testIndexOf: i => i >= trainCount && i < n ? sourceIndex[i] : -1,
    /** Milliseconds the recent frames took to draw (the script's work; the raster follows at compositing). */
    drawTimes: () => drawTimes.slice(),
    /**
     * Pans and zooms through `frames` synchronous redraws, each followed by reading one pixel back (which makes the
     * browser rasterise the frame), and returns each frame's milliseconds, script and raster together.
     */
    benchmarkDraw: frames => {
      const times = [];
      for (let f = 0; f < frames; f++) {
        const t0 = performance.now();
        view.tx += f % 2 ? 7 : -5;
        view.scale *= f % 2 ? 1.05 : 1 / 1.05;
        draw();
        ctx.getImageData(0, 0, 1, 1);
        times.push(performance.now() - t0);
      }
      return times;
    },
    /** Milliseconds from the start of navigation to the end of the first frame. */
    loadMs: () => state.loadMs,
    /** Milliseconds this script took to decode the data and build the panel, before the first frame. */
    setupMs: () => setupMs
  });
  const setupMs = performance.now() - started;
})();

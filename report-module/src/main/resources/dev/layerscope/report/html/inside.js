/*
 * Inside a convolutional network: the feature maps of a clicked image, computed here from its pixels and the
 * convolutional part of the trained network (weights in the page's JSON, id layerscope-inside). One tile per channel
 * of each convolution and pooling layer, the channels with the largest mean activation first. Clicks come from the
 * static report's images that carry data-test-index (the hard negatives) and, where the explorer offers it, from
 * the explorer's window.layerscope.onPointClick(callback), the callback given {point, split, sourceIndex, ...}.
 * Pixels come from the page's JSON (full 8-bit pixels of the hard negatives) or, for any other image, from the
 * explorer's window.layerscope.thumbnail(point), stretched back to the image's size (half size at 4-bit grey: whatever
 * the thumbnail loses, the maps lose). window.layerscopeInside exposes the forward pass and what was drawn, for the report's browser test.
 */
(function () {
  'use strict';
  const source = document.getElementById('layerscope-inside');
  if (!source) {
    return;
  }
  const data = JSON.parse(source.textContent);

  function floats(base64) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      bytes[i] = text.charCodeAt(i);
    }
    return new Float32Array(bytes.buffer);
  }

  function bytes(base64) {
    const text = atob(base64);
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      out[i] = text.charCodeAt(i);
    }
    return out;
  }

  const layers = data.layers.map(function (layer) {
    const decoded = Object.assign({}, layer);
    if (layer.type === 'conv') {
      decoded.weights = floats(layer.weights);
      decoded.bias = floats(layer.bias);
    } else if (layer.type === 'affine') {
      decoded.scale = floats(layer.scale);
      decoded.shift = floats(layer.shift);
    }
    return decoded;
  });

  function activate(value, layer) {
    switch (layer.activation) {
      case 'relu': return value > 0 ? value : 0;
      case 'leakyrelu': return value > 0 ? value : layer.alpha * value;
      case 'tanh': return Math.tanh(value);
      case 'sigmoid': return 1 / (1 + Math.exp(-value));
      case 'elu': return value > 0 ? value : layer.alpha * (Math.exp(value) - 1);
      default: return value;
    }
  }

  function conv(input, channels, rows, cols, layer) {
    const [filters, outRows, outCols] = layer.out;
    const [kRows, kCols] = layer.kernel;
    const [sRows, sCols] = layer.stride;
    const [pTop, pLeft] = layer.pad;
    const w = layer.weights;
    const out = new Float32Array(filters * outRows * outCols);
    for (let f = 0; f < filters; f++) {
      for (let y = 0; y < outRows; y++) {
        for (let x = 0; x < outCols; x++) {
          let sum = layer.bias[f];
          for (let c = 0; c < channels; c++) {
            for (let ky = 0; ky < kRows; ky++) {
              const iy = y * sRows - pTop + ky;
              if (iy < 0 || iy >= rows) {
                continue;
              }
              const wRow = ((f * channels + c) * kRows + ky) * kCols;
              const iRow = (c * rows + iy) * cols;
              for (let kx = 0; kx < kCols; kx++) {
                const ix = x * sCols - pLeft + kx;
                if (ix >= 0 && ix < cols) {
                  sum += w[wRow + kx] * input[iRow + ix];
                }
              }
            }
          }
          out[(f * outRows + y) * outCols + x] = activate(sum, layer);
        }
      }
    }
    return out;
  }

  function pool(input, channels, rows, cols, layer) {
    const [, outRows, outCols] = layer.out;
    const [kRows, kCols] = layer.kernel;
    const [sRows, sCols] = layer.stride;
    const [pTop, pLeft] = layer.pad;
    const max = layer.type === 'maxpool';
    const out = new Float32Array(channels * outRows * outCols);
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < outRows; y++) {
        for (let x = 0; x < outCols; x++) {
          let best = -Infinity;
          let sum = 0;
          let count = 0;
          for (let ky = 0; ky < kRows; ky++) {
            const iy = y * sRows - pTop + ky;
            if (iy < 0 || iy >= rows) {
              continue;
            }
            for (let kx = 0; kx < kCols; kx++) {
              const ix = x * sCols - pLeft + kx;
              if (ix >= 0 && ix < cols) {
                const v = input[(c * rows + iy) * cols + ix];
                best = v > best ? v : best;
                sum += v;
                count++;
              }
            }
          }
          out[(c * outRows + y) * outCols + x] = max ? best : sum / count;
        }
      }
    }
    return out;
  }

  function affine(input, layer) {
    const [channels, rows, cols] = layer.out;
    const out = new Float32Array(input.length);
    for (let c = 0; c < channels; c++) {
      for (let i = c * rows * cols; i < (c + 1) * rows * cols; i++) {
        out[i] = input[i] * layer.scale[c] + layer.shift[c];
      }
    }
    return out;
  }

  /** Every layer's output for an image's pixels (0 to 255, row-major), as DL4J computes it (channels x rows x cols). */
  function forward(pixels) {
    let values = new Float32Array(data.rows * data.cols);
    for (let i = 0; i < values.length; i++) {
      values[i] = pixels[i] / 255;
    }
    let shape = [1, data.rows, data.cols];
    const outputs = [];
    for (const layer of layers) {
      if (layer.type === 'conv') {
        values = conv(values, shape[0], shape[1], shape[2], layer);
      } else if (layer.type === 'maxpool' || layer.type === 'avgpool') {
        values = pool(values, shape[0], shape[1], shape[2], layer);
      } else if (layer.type === 'affine') {
        values = affine(values, layer);
      }
      shape = layer.out;
      outputs.push({name: layer.name, shown: layer.shown, channels: shape[0], rows: shape[1], cols: shape[2],
        data: values});
    }
    return outputs;
  }

  /** Channels by mean activation, largest first (the lower channel first on a tie), with the means. */
  function ranked(output) {
    const size = output.rows * output.cols;
    const means = [];
    for (let c = 0; c < output.channels; c++) {
      let sum = 0;
      for (let i = c * size; i < (c + 1) * size; i++) {
        sum += output.data[i];
      }
      means.push({channel: c, mean: sum / size});
    }
    return means.sort((a, b) => b.mean - a.mean || a.channel - b.channel);
  }

  function pixelsOf(split, index, point) {
    const key = split + ':' + index;
    if (data.images[key]) {
      return bytes(data.images[key]);
    }
    const explorer = window.layerscope;
    if (point === undefined || point < 0 || !explorer || typeof explorer.thumbnail !== 'function') {
      return null;
    }
    // the explorer's thumbnail (half size, 4-bit grey), stretched back to the image's size: what it lost stays lost
    const thumb = explorer.thumbnail(point);
    if (!thumb) {
      return null;
    }
    const pixels = new Uint8Array(data.rows * data.cols);
    for (let r = 0; r < data.rows; r++) {
      const tr = Math.min(thumb.height - 1, Math.floor(r * thumb.height / data.rows));
      for (let c = 0; c < data.cols; c++) {
        const tc = Math.min(thumb.width - 1, Math.floor(c * thumb.width / data.cols));
        pixels[r * data.cols + c] = thumb.data[(tr * thumb.width + tc) * 4];
      }
    }
    return pixels;
  }

  let drawn = null;
  const panel = document.getElementById('inside');
  const chosen = document.getElementById('ls-inside-chosen');
  const picture = document.getElementById('ls-inside-image');
  const container = document.getElementById('ls-inside-layers');
  const SCALE = 3;

  function paintGrey(canvas, values, offset, rows, cols, top) {
    canvas.width = cols;
    canvas.height = rows;
    canvas.style.width = (cols * SCALE) + 'px';
    canvas.style.height = (rows * SCALE) + 'px';
    const context = canvas.getContext('2d');
    const image = context.createImageData(cols, rows);
    for (let i = 0; i < rows * cols; i++) {
      const v = top > 0 ? Math.max(0, Math.min(255, Math.round(255 * values[offset + i] / top))) : 0;
      image.data[4 * i] = v;
      image.data[4 * i + 1] = v;
      image.data[4 * i + 2] = v;
      image.data[4 * i + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }

  /** Shows the feature maps of image `index` of `split`; says so when the page has no pixels of it. */
  function show(split, index, point) {
    const pixels = pixelsOf(split, index, point);
    container.textContent = '';
    if (!pixels || pixels.length !== data.rows * data.cols) {
      picture.hidden = true;
      chosen.textContent = 'The page holds no pixels of ' + split + ' image ' + index
        + (pixels ? ' at ' + data.rows + 'x' + data.cols : '') + '.';
      drawn = {split: split, index: index, layers: []};
      return;
    }
    chosen.textContent = (split === 'test' ? 'Test' : 'Training') + ' image ' + index;
    const scaled = new Float32Array(pixels.length);
    for (let i = 0; i < pixels.length; i++) {
      scaled[i] = pixels[i];
    }
    paintGrey(picture, scaled, 0, data.rows, data.cols, 255);
    picture.hidden = false;
    const layersDrawn = [];
    for (const output of forward(pixels)) {
      if (!output.shown) {
        continue;
      }
      const order = ranked(output);
      let top = 0;
      for (const v of output.data) {
        top = v > top ? v : top;
      }
      const block = document.createElement('div');
      block.className = 'ls-inside-layer';
      block.dataset.layer = output.name;
      const heading = document.createElement('h3');
      heading.textContent = output.name + ': ' + output.channels + ' channels of ' + output.rows + 'x' + output.cols;
      block.appendChild(heading);
      const tiles = document.createElement('div');
      tiles.className = 'ls-inside-tiles';
      for (const entry of order) {
        const tile = document.createElement('canvas');
        tile.className = 'ls-inside-tile';
        tile.dataset.channel = entry.channel;
        tile.dataset.mean = entry.mean;
        tile.title = 'channel ' + entry.channel + ', mean ' + entry.mean.toFixed(4);
        paintGrey(tile, output.data, entry.channel * output.rows * output.cols, output.rows, output.cols, top);
        tiles.appendChild(tile);
      }
      block.appendChild(tiles);
      container.appendChild(block);
      layersDrawn.push({name: output.name, channels: output.channels, order: order.map(e => e.channel),
        means: order.map(e => e.mean)});
    }
    drawn = {split: split, index: index, layers: layersDrawn};
  }

  for (const image of document.querySelectorAll('img[data-test-index]')) {
    image.classList.add('ls-clickable');
    image.addEventListener('click', function () {
      show('test', Number(image.dataset.testIndex));
      panel.scrollIntoView({block: 'start'});
    });
  }

  function register() {
    const explorer = window.layerscope;
    if (explorer && typeof explorer.onPointClick === 'function') {
      explorer.onPointClick(function (click) {
        show(click.split, click.sourceIndex, click.point);
      });
    }
  }
  // the explorer's script comes after the static body: register once every script of the page has run
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', register);
  } else {
    register();
  }

  window.layerscopeInside = {
    forward: forward,
    pixels: pixelsOf,
    show: show,
    drawn: function () {
      return drawn;
    }
  };
})();

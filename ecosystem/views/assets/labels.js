// Node names drawn in screen space after each frame, the most important node first, each
// only where its box covers no name already drawn: the main names are readable at first
// sight and more appear as one zooms in. vis-network's own labels (which overlap freely and
// shrink with the zoom) are not used: the nodes carry their name as `name`, not `label`.
// Shared by the exported views and the explorer; text is drawn with fillText, never markup.
(function () {
  "use strict";
  var FONT = "Arial, Helvetica, sans-serif";
  var MAX_LABELS = 400; // per frame, so that a 5,000-node map stays smooth
  var GAP = 2; // pixels kept free around each name

  function fontSize(value, low, high) {
    if (high <= low) return 13;
    return Math.round(11 + 5 * (value - low) / (high - low));
  }

  // `groups` (group key -> name, optional): when the view is zoomed out (at most twice the
  // scale it was fitted at), each group's name is drawn first, large, at its members' centre.
  window.ecosystemLabels = function (network, nodes, groups) {
    var order = null; // [{id, name, value}], largest first
    var fittedScale = null;
    var centres = null; // [{id, name, x, y, n}], largest group first
    var low = 0;
    var high = 0;
    var widths = {};
    var drawn = [];

    function ranked() {
      if (order !== null) return order;
      order = [];
      nodes.forEach(function (n) {
        if (n.name) order.push({ id: n.id, name: String(n.name), value: Number(n.value) || 1 });
      });
      order.sort(function (a, b) {
        return b.value - a.value || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      });
      low = order.length ? order[order.length - 1].value : 0;
      high = order.length ? order[0].value : 0;
      return order;
    }
    nodes.on("*", function (event) {
      if (event !== "update") order = null; // hiding a node is read live below
    });

    function groupCentres() {
      if (centres !== null) return centres;
      var sums = {};
      nodes.forEach(function (n) {
        if (!groups || !(n.category in groups) || n.x === undefined) return;
        var s = sums[n.category] = sums[n.category] || { x: 0, y: 0, n: 0 };
        s.x += n.x;
        s.y += n.y;
        s.n += 1;
      });
      centres = Object.keys(sums).map(function (key) {
        var s = sums[key];
        return { id: "group:" + key, name: String(groups[key]), x: s.x / s.n, y: s.y / s.n,
                 n: s.n };
      }).sort(function (a, b) { return b.n - a.n; });
      return centres;
    }

    function width(ctx, name, size, bold) {
      var key = (bold ? "b" : "") + size + "|" + name;
      if (!(key in widths)) {
        ctx.font = (bold ? "bold " : "") + size + "px " + FONT;
        widths[key] = ctx.measureText(name).width;
      }
      return widths[key];
    }

    network.on("afterDrawing", function (ctx) {
      var canvas = ctx.canvas;
      var w = canvas.clientWidth;
      var h = canvas.clientHeight;
      var ratio = canvas.width / (w || 1);
      var cell = 60;
      var grid = {};
      drawn = [];
      ctx.save();
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.textAlign = "center";
      ctx.textBaseline = "top";
      ctx.lineJoin = "round";
      var list = ranked();
      var body = network.body.nodes;
      if (fittedScale !== null && network.getScale() <= 2 * fittedScale) {
        groupCentres().forEach(function (g) {
          var at = network.canvasToDOM({ x: g.x, y: g.y });
          var half = width(ctx, g.name, 16, true) / 2;
          var box = [at.x - half - GAP, at.y - 10 - GAP, at.x + half + GAP, at.y + 10 + GAP];
          if (box[0] < 0 || box[2] > w || box[1] < 0 || box[3] > h || !free(box)) return;
          keep(box);
          drawn.push({ id: g.id, left: box[0] + GAP, top: box[1] + GAP,
                       right: box[2] - GAP, bottom: box[3] - GAP });
          ctx.font = "bold 16px " + FONT;
          ctx.textBaseline = "middle";
          ctx.lineWidth = 4;
          ctx.strokeStyle = "rgba(255,255,255,0.95)";
          ctx.strokeText(g.name, at.x, at.y);
          ctx.fillStyle = "#111111";
          ctx.fillText(g.name, at.x, at.y);
          ctx.textBaseline = "top";
        });
      }
      function free(box) {
        for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
          for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
            var near = grid[gx + "," + gy];
            if (!near) continue;
            for (var i = 0; i < near.length; i++) {
              var o = near[i];
              if (box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3]) return false;
            }
          }
        }
        return true;
      }
      function keep(box) {
        for (var gx = Math.floor(box[0] / cell); gx <= Math.floor(box[2] / cell); gx++) {
          for (var gy = Math.floor(box[1] / cell); gy <= Math.floor(box[3] / cell); gy++) {
            (grid[gx + "," + gy] = grid[gx + "," + gy] || []).push(box);
          }
        }
      }
      for (var i = 0; i < list.length && drawn.length < MAX_LABELS; i++) {
        var item = list[i];
        var node = body[item.id];
        if (!node || node.options.hidden) continue;
        var centre = network.canvasToDOM({ x: node.x, y: node.y });
        var below = network.canvasToDOM({ x: node.x, y: node.y + (node.shape.height || 0) / 2 });
        if (centre.x < -50 || centre.y < -50 || centre.x > w + 50 || centre.y > h + 50) continue;
        var size = fontSize(item.value, low, high);
        var half = width(ctx, item.name, size) / 2;
        var top = below.y + 2;
        // near the left or right edge, the name moves inwards rather than being cut off
        var x = Math.min(Math.max(centre.x, half + GAP), w - half - GAP);
        if (Math.abs(x - centre.x) > half) continue; // its node is off the canvas
        var box = [x - half - GAP, top - GAP, x + half + GAP, top + size + GAP];
        if (box[1] < 0 || box[3] > h || !free(box)) continue;
        keep(box);
        drawn.push({ id: item.id, left: box[0] + GAP, top: box[1] + GAP,
                     right: box[2] - GAP, bottom: box[3] - GAP });
        ctx.font = size + "px " + FONT;
        ctx.lineWidth = 3;
        ctx.strokeStyle = "rgba(255,255,255,0.9)";
        ctx.strokeText(item.name, x, top);
        ctx.fillStyle = "#222222";
        ctx.fillText(item.name, x, top);
      }
      ctx.restore();
    });

    // The names drawn in the last frame and their boxes (CSS pixels of the canvas); call
    // fitted() once the view has been fitted to the window, so that groups are named.
    return {
      boxes: function () { return drawn.slice(); },
      fitted: function () {
        if (groups && Object.keys(groups).length) fittedScale = network.getScale();
      }
    };
  };
})();

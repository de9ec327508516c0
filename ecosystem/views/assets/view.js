// Draws an ecosystem view from the JSON block #view-data with vis-network, and wires up
// search, legend filters, the date slider and PNG export. All data text reaches the page
// through textContent, option.value or vis-network's innerText tooltips, never innerHTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("view-data").textContent);
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  var hiddenGroups = {};
  var hiddenKinds = {};
  var day = null;

  var labels = window.ecosystemLabels(network, nodes, data.groups);
  window.ecosystemView = { network: network, nodes: nodes, edges: edges, data: data,
                           labels: labels };

  function markReady() {
    document.body.setAttribute("data-ready", "1");
  }
  // Fit the drawing to the window, enlarging a small neighbourhood too (vis-network's fit
  // stops at scale 1, which leaves eight nodes as a speck in the middle).
  function fitAll() {
    network.fit({ maxZoomLevel: 1.8 });
    labels.fitted();
  }
  if (data.physics) {
    // Settle once, then stand still: the page is ready when the layout is final.
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      fitAll();
      network.once("afterDrawing", markReady);
    });
  } else {
    network.once("afterDrawing", function () {
      fitAll();
      network.once("afterDrawing", markReady);
    });
  }

  // Rings (tiers, score bands) with their labels at a constant size on screen; a label is
  // left out when its ring is drawn too close to the last labelled one to read.
  if (data.rings.length) {
    var rings = data.rings.slice().sort(function (a, b) { return a.radius - b.radius; });
    network.on("beforeDrawing", function (ctx) {
      var scale = network.getScale();
      var last = -Infinity;
      ctx.save();
      ctx.strokeStyle = "#bdbdbd";
      ctx.fillStyle = "#666666";
      ctx.lineWidth = 1 / scale;
      ctx.font = "bold " + (12 / scale) + "px Arial";
      ctx.setLineDash([6 / scale, 6 / scale]);
      rings.forEach(function (ring) {
        ctx.beginPath();
        ctx.arc(0, 0, ring.radius, 0, 2 * Math.PI);
        ctx.stroke();
        if (ring.radius * scale - last >= 16) {
          ctx.fillText(ring.label, 4 / scale, -ring.radius - 4 / scale);
          last = ring.radius * scale;
        }
      });
      ctx.restore();
    });
  }

  function isActive(item) {
    if (day === null) return true;
    if (item.since && item.since > day) return false;
    if (item.until && item.until <= day) return false;
    return true;
  }

  // Hide nodes of unticked groups; with a date chosen, also edges not active that day and
  // nodes left with no active edge.
  function refresh() {
    var activeDegree = {};
    var edgeOn = {};
    edges.forEach(function (e) {
      var on = !hiddenKinds[e.kind] && isActive(e);
      edgeOn[e.id] = on;
      if (on) {
        activeDegree[e.from] = (activeDegree[e.from] || 0) + 1;
        activeDegree[e.to] = (activeDegree[e.to] || 0) + 1;
      }
    });
    var shown = {};
    var nodeUpdates = [];
    nodes.forEach(function (n) {
      var hidden = !!hiddenGroups[n.category] || !isActive(n) ||
        (day !== null && !activeDegree[n.id] && n.dated === true);
      shown[n.id] = !hidden;
      if (!!n.hidden !== hidden) nodeUpdates.push({ id: n.id, hidden: hidden });
    });
    var edgeUpdates = [];
    edges.forEach(function (e) {
      var hidden = !edgeOn[e.id] || !shown[e.from] || !shown[e.to];
      if (!!e.hidden !== hidden) edgeUpdates.push({ id: e.id, hidden: hidden });
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    showCount();
  }

  // The counts follow the filters and the date: "120 of 300 nodes, 95 of 895 edges".
  var count = document.getElementById("count");
  function showCount() {
    var n = nodes.get({ filter: function (x) { return !x.hidden; } }).length;
    var e = edges.get({ filter: function (x) { return !x.hidden; } }).length;
    var nText = n === nodes.length ? n + " nodes" : n + " of " + nodes.length + " nodes";
    var eText = e === edges.length ? e + " edges" : e + " of " + edges.length + " edges";
    count.textContent = nText + ", " + eText;
  }

  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    box.addEventListener("change", function () {
      var target = box.getAttribute("data-filter") === "edge" ? hiddenKinds : hiddenGroups;
      target[box.getAttribute("data-key")] = !box.checked;
      refresh();
    });
  });

  // Search: every label is offered; choosing one selects and centres the node.
  var names = document.getElementById("node-names");
  var byLabel = {};
  nodes.forEach(function (n) {
    var key = String(n.name).toLowerCase();
    if (!(key in byLabel)) {
      byLabel[key] = n.id;
      var option = document.createElement("option");
      option.value = String(n.name);
      names.appendChild(option);
    }
  });
  var search = document.getElementById("search");
  search.addEventListener("change", function () {
    var wanted = search.value.trim().toLowerCase();
    var id = byLabel[wanted];
    if (id === undefined && wanted) {
      var hit = nodes.get({ filter: function (n) {
        return String(n.name).toLowerCase().indexOf(wanted) >= 0;
      } })[0];
      id = hit ? hit.id : undefined;
    }
    if (id === undefined) return;
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: { duration: 400 } });
    showDetails(id);
  });

  var details = document.getElementById("details");
  var detailsText = document.getElementById("details-text");
  function showDetails(id) {
    var node = nodes.get(id);
    if (!node) return;
    detailsText.textContent = node.title || node.name;
    details.hidden = false;
  }
  network.on("selectNode", function (params) { showDetails(params.nodes[0]); });

  document.getElementById("fit").addEventListener("click", fitAll);
  document.getElementById("png").addEventListener("click", function () {
    var canvas = container.querySelector("canvas");
    var link = document.createElement("a");
    link.download = (data.title || "view").replace(/[^A-Za-z0-9_-]+/g, "-") + ".png";
    link.href = canvas.toDataURL("image/png");
    link.click();
  });

  // The date slider: the last position shows every date.
  if (data.dates.length) {
    var slider = document.getElementById("date-slider");
    var label = document.getElementById("date-label");
    document.getElementById("timeline").hidden = false;
    slider.max = String(data.dates.length);
    slider.value = String(data.dates.length);
    slider.addEventListener("input", function () {
      var i = Number(slider.value);
      day = i >= data.dates.length ? null : data.dates[i];
      label.textContent = day === null ? "all dates" : day;
      refresh();
    });
  }
})();

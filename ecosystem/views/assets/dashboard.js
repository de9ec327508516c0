// The portfolio dashboard: a sortable, filterable table of every partnership with health
// sparklines, and the risk heat map. All data text reaches the page through textContent or
// attribute values, never innerHTML; charts are SVG elements built with the DOM.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var $ = function (id) { return document.getElementById(id); };
  var rows = data.rows;
  var sortKey = "severity";
  var ascending = false;

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  var BAND_RANK = { critical: 3, watch: 2, healthy: 1, unknown: 0 };
  function severity(r) {
    return r.alerts.hard_trigger * 1000 + r.alerts.executive * 100 + r.alerts.warning * 10 +
      (BAND_RANK[r.drawn_band] || 0) + r.late.length * 0.1;
  }

  // ---- totals ----------------------------------------------------------------------------
  var t = data.totals;
  $("summary").textContent = t.partnerships + " partnerships; milestones due in the next " +
    data.due_days + " days and late ones counted as of " + data.as_of +
    "; budget used: actual spend against the budget after reallocations, per currency.";
  [["partnerships", t.partnerships], ["critical", t.bands.critical], ["watch", t.bands.watch],
   ["open hard triggers", t.open_alerts.hard_trigger],
   ["open executive alerts", t.open_alerts.executive], ["open warnings", t.open_alerts.warning],
   ["late milestones", t.late], ["due in " + data.due_days + " days", t.due_soon]
  ].forEach(function (item) {
    var card = el("div", null, "card");
    card.appendChild(el("b", item[1]));
    card.appendChild(el("span", item[0]));
    $("cards").appendChild(card);
  });

  // ---- heat map: severity (rows, 5 at the top) x likelihood (columns) -------------------
  (function () {
    var table = $("heat");
    var max = 1;
    data.heat.forEach(function (row) { row.forEach(function (n) { if (n > max) max = n; }); });
    var head = el("tr");
    head.appendChild(el("th", "S \\ L"));
    for (var l = 1; l <= 5; l++) head.appendChild(el("th", l));
    table.appendChild(head);
    for (var s = 5; s >= 1; s--) {
      var tr = el("tr");
      tr.appendChild(el("th", s));
      for (var k = 1; k <= 5; k++) {
        var n = data.heat[s - 1][k - 1];
        var td = el("td", n || "");
        var score = s * k;
        var hue = score >= 15 ? "209,52,47" : score >= 8 ? "224,161,0" : "46,157,79";
        td.style.background = "rgba(" + hue + "," + (0.15 + 0.85 * n / max) + ")";
        td.title = "severity " + s + " x likelihood " + k + " (score " + score + "): " + n +
          " risk" + (n === 1 ? "" : "s");
        td.setAttribute("data-cell", s + "x" + k);
        tr.appendChild(td);
      }
      table.appendChild(tr);
    }
  })();

  // ---- the table -------------------------------------------------------------------------
  var COLUMNS = [
    ["name", "Partnership"], ["partner", "Companies"], ["stage", "Stage"],
    ["health", "Health"], ["trend", "Trend (quarters)"], ["severity", "Open alerts"],
    ["due", "Due soon"], ["late", "Late"], ["risk", "Top risk"], ["kpis", "KPIs on target"],
    ["budget", "Budget used"], ["lead", "Lead"]
  ];
  var VALUE = {
    name: function (r) { return r.name.toLowerCase(); },
    partner: function (r) { return (r.company + " " + r.partner).toLowerCase(); },
    stage: function (r) { return r.stage || ""; },
    health: function (r) { return r.health === null ? -1 : r.health; },
    trend: function (r) { return trendChange(r); },
    severity: severity,
    due: function (r) { return r.due_soon.length; },
    late: function (r) { return r.late.length; },
    risk: function (r) { return r.risk_max === null ? -1 : r.risk_max; },
    kpis: function (r) { return kpiShare(r); },
    budget: function (r) { return budgetUsed(r); },
    lead: function (r) { return (r.lead || "").toLowerCase(); }
  };
  function trendChange(r) {
    var known = r.trend.filter(function (q) { return q.index !== null; });
    return known.length > 1 ? known[known.length - 1].index - known[known.length - 2].index : 0;
  }
  function budgetUsed(r) {
    if (!r.budget || !r.budget.length) return -1;
    return Math.max.apply(null, r.budget.map(function (b) {
      return b.used === null ? -1 : b.used;
    }));
  }
  function kpiShare(r) {
    if (!r.kpis.length) return -1;
    return r.kpis.filter(function (k) { return k.attainment !== null && k.attainment >= 1; })
      .length / r.kpis.length;
  }
  COLUMNS.forEach(function (c) {
    var th = el("th");
    th.setAttribute("data-key", c[0]);
    th.setAttribute("aria-sort", "none");
    var button = el("button", c[1]);
    button.type = "button";
    button.addEventListener("click", function () {
      ascending = sortKey === c[0] ? !ascending : c[0] === "name" || c[0] === "partner" ||
        c[0] === "lead" || c[0] === "stage";
      sortKey = c[0];
      render();
    });
    th.appendChild(button);
    $("head").appendChild(th);
  });

  function sparkline(trend) {
    var known = trend.filter(function (q) { return q.index !== null; });
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "spark");
    svg.setAttribute("width", "90");
    svg.setAttribute("height", "22");
    svg.setAttribute("role", "img");
    var label = known.length ? "health by quarter: " + known.map(function (q) {
      return q.quarter.slice(0, 7) + " " + Math.round(q.index);
    }).join(", ") : "no health index yet";
    svg.setAttribute("aria-label", label);
    var title = document.createElementNS(SVG, "title");
    title.textContent = label;
    svg.appendChild(title);
    if (known.length < 1) return svg;
    var step = known.length > 1 ? 86 / (known.length - 1) : 0;
    var points = known.map(function (q, i) {
      return (2 + i * step).toFixed(1) + "," + (20 - 18 * q.index / 100).toFixed(1);
    });
    var line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", points.join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", "#1f77b4");
    line.setAttribute("stroke-width", "1.5");
    svg.appendChild(line);
    var last = points[points.length - 1].split(",");
    var dot = document.createElementNS(SVG, "circle");
    dot.setAttribute("cx", last[0]);
    dot.setAttribute("cy", last[1]);
    dot.setAttribute("r", "2.5");
    dot.setAttribute("fill", "#1f77b4");
    svg.appendChild(dot);
    return svg;
  }
  function list(items, className) {
    var ul = el("ul", null, "items" + (className ? " " + className : ""));
    items.forEach(function (text) { ul.appendChild(el("li", text)); });
    return ul;
  }
  function row(r) {
    var tr = el("tr");
    tr.setAttribute("data-id", r.id);
    var name = el("td");
    if (r.link) {
      var a = el("a", r.name);
      a.href = r.link;
      a.title = "Open the focus view of " + r.company;
      name.appendChild(a);
    } else {
      name.appendChild(el("span", r.name));
    }
    name.appendChild(el("div", r.id, "muted"));
    tr.appendChild(name);
    tr.appendChild(el("td", r.company + " + " + r.partner));
    tr.appendChild(el("td", (r.stage || "-").replace(/_/g, " ")));
    var health = el("td");
    health.appendChild(el("span", r.drawn_band, "band band-" + r.drawn_band));
    health.appendChild(el("span", r.health === null ? " -" : " " + Math.round(r.health)));
    tr.appendChild(health);
    var trend = el("td");
    trend.appendChild(sparkline(r.trend));
    tr.appendChild(trend);
    var alerts = el("td");
    data.levels.forEach(function (level) {
      if (r.alerts[level]) {
        var chip = el("span", r.alerts[level], "level level-" + level);
        chip.title = level.replace("_", " ");
        alerts.appendChild(chip);
      }
    });
    if (!r.open_alerts) alerts.appendChild(el("span", "none", "muted"));
    else alerts.title = r.alert_lines.join("\n");
    tr.appendChild(alerts);
    var due = el("td");
    if (r.due_soon.length) due.appendChild(list(r.due_soon.map(function (m) {
      return m.due + " " + m.name;
    })));
    else due.appendChild(el("span", "none", "muted"));
    tr.appendChild(due);
    var late = el("td");
    if (r.late.length) late.appendChild(list(r.late.map(function (m) {
      return m.name + " (" + m.days_late + " days)";
    }), "late"));
    else late.appendChild(el("span", "none", "muted"));
    tr.appendChild(late);
    tr.appendChild(el("td", r.risk_max === null ? "-" : r.risk_max + " of 25"));
    var kpis = el("td");
    if (r.kpis.length) {
      var on = r.kpis.filter(function (k) { return k.attainment !== null && k.attainment >= 1; });
      kpis.textContent = on.length + " of " + r.kpis.length;
      kpis.title = r.kpis.map(function (k) {
        return k.name + ": " + k.actual + (k.target !== null ? " (target " + k.target + ")" : "");
      }).join("\n");
    } else {
      kpis.appendChild(el("span", "none yet", "muted"));
    }
    tr.appendChild(kpis);
    var spend = el("td");
    if (r.budget && r.budget.length) {
      r.budget.forEach(function (b) {
        var line = el("div", b.currency + " " + Math.round(b.actual).toLocaleString("en") +
          " of " + Math.round(b.budget).toLocaleString("en") +
          (b.used === null ? "" : " (" + Math.round(100 * b.used) + "%)"),
          b.used !== null && b.used > 1 ? "late" : null);
        spend.appendChild(line);
      });
    } else {
      spend.appendChild(el("span", "not recorded", "muted"));
    }
    tr.appendChild(spend);
    tr.appendChild(el("td", r.lead || ""));
    return tr;
  }

  // ---- filters ---------------------------------------------------------------------------
  function options(select, values) {
    values.forEach(function (v) {
      var option = el("option", v.replace(/_/g, " "));
      option.value = v;
      select.appendChild(option);
    });
  }
  options($("stage"), Array.from(new Set(rows.map(function (r) { return r.stage || ""; })))
    .filter(Boolean).sort());
  options($("band"), ["critical", "watch", "healthy", "unknown"]);
  function shown() {
    var text = $("find").value.trim().toLowerCase();
    var stage = $("stage").value;
    var band = $("band").value;
    var lateOnly = $("late-only").checked;
    var alertsOnly = $("alerts-only").checked;
    return rows.filter(function (r) {
      if (stage && r.stage !== stage) return false;
      if (band && r.drawn_band !== band) return false;
      if (lateOnly && !r.late.length) return false;
      if (alertsOnly && !r.open_alerts) return false;
      if (text) {
        var hay = [r.name, r.id, r.company, r.partner, r.lead || "", r.partner_lead || ""]
          .join(" ").toLowerCase();
        if (hay.indexOf(text) < 0) return false;
      }
      return true;
    });
  }
  function render() {
    var list = shown();
    var key = VALUE[sortKey];
    list.sort(function (a, b) {
      var x = key(a), y = key(b);
      var order = x < y ? -1 : x > y ? 1 : 0;
      if (!ascending) order = -order;
      return order || (a.id < b.id ? -1 : 1);
    });
    var body = $("rows");
    var fragment = document.createDocumentFragment();
    list.forEach(function (r) { fragment.appendChild(row(r)); });
    body.textContent = "";
    body.appendChild(fragment);
    document.querySelectorAll("#head th").forEach(function (th) {
      th.setAttribute("aria-sort", th.getAttribute("data-key") !== sortKey ? "none" :
        ascending ? "ascending" : "descending");
    });
    $("count").textContent = list.length === rows.length ? rows.length + " partnerships" :
      list.length + " of " + rows.length + " partnerships";
  }
  ["find", "stage", "band", "late-only", "alerts-only"].forEach(function (id) {
    $(id).addEventListener(id === "find" ? "input" : "change", render);
  });
  render();
  window.ecosystemDashboard = { data: data, render: render };
  document.body.setAttribute("data-ready", "1");
})();

// The explorer: search, a company's page, a graph that grows as nodes are clicked, the
// partner scan, the date slider and filters, all kept in the URL so that a view can be
// bookmarked and shared. Every text from the data reaches the page through textContent
// (or vis-network's innerText tooltips, or canvas fillText), never innerHTML.
(function () {
  "use strict";
  var PAGE = 20; // neighbours fetched per click
  var keyHeader = document.querySelector("meta[name='api-key-header']").content;
  var $ = function (id) { return document.getElementById(id); };

  var state = { focus: null, date: null, expanded: [], pages: {}, scan: false,
                whatif: false, kinds: null, types: null, sector: "" };
  var meta = null;
  var dates = [];
  var busy = 0;

  // ---- requests --------------------------------------------------------------------------
  function setBusy(delta) {
    busy += delta;
    document.body.setAttribute("data-busy", String(busy));
  }
  function showMessage(text) {
    var box = $("message");
    box.textContent = text || "";
    box.hidden = !text;
  }
  function request(path, options) {
    options = options || {};
    var headers = options.headers || {};
    var key = sessionStorage.getItem("ecosystem-key");
    if (key) headers[keyHeader] = key;
    options.headers = headers;
    setBusy(1);
    return fetch(path, options).then(function (response) {
      if (response.status === 401) {
        $("key-box").hidden = false;
        throw new Error("This server asks for an API key: enter it above.");
      }
      if (!response.ok) {
        return response.json().then(function (body) {
          throw new Error(body && body.error ? body.error.message : response.statusText);
        }, function () { throw new Error(response.status + " " + response.statusText); });
      }
      return response;
    }).finally(function () { setBusy(-1); });
  }
  function getJSON(path, params) {
    var query = new URLSearchParams();
    Object.keys(params || {}).forEach(function (name) {
      var value = params[name];
      if (value === null || value === undefined || value === "") return;
      if (Array.isArray(value)) value.forEach(function (v) { query.append(name, v); });
      else query.set(name, String(value));
    });
    var text = query.toString();
    return request(path + (text ? "?" + text : "")).then(function (r) { return r.json(); });
  }
  function failed(error) { showMessage(error.message); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  // ---- the URL ---------------------------------------------------------------------------
  function saveState() {
    var query = new URLSearchParams();
    if (state.focus) query.set("focus", state.focus);
    if (state.date) query.set("as_of", state.date);
    if (state.expanded.length) query.set("expand", state.expanded.join(","));
    if (state.scan) query.set("scan", "1");
    if (state.whatif) query.set("whatif", "1");
    if (state.kinds) query.set("kinds", state.kinds.join(","));
    if (state.types) query.set("types", state.types.join(","));
    if (state.sector) query.set("sector", state.sector);
    var text = query.toString();
    history.replaceState(null, "", location.pathname + (text ? "?" + text : ""));
  }
  function loadState() {
    var query = new URLSearchParams(location.search);
    var list = function (name) {
      var value = query.get(name);
      return value ? value.split(",").filter(Boolean) : null;
    };
    state.focus = query.get("focus");
    state.date = query.get("as_of");
    state.expanded = list("expand") || [];
    state.scan = query.get("scan") === "1";
    state.whatif = query.get("whatif") === "1";
    state.kinds = list("kinds");
    state.types = list("types");
    state.sector = query.get("sector") || "";
  }

  // ---- the graph -------------------------------------------------------------------------
  var nodes = new vis.DataSet([]);
  var edges = new vis.DataSet([]);
  var network = new vis.Network($("graph"), { nodes: nodes, edges: edges }, {
    autoResize: true,
    layout: { randomSeed: 42, improvedLayout: false },
    physics: { solver: "forceAtlas2Based", stabilization: { iterations: 150, fit: true },
               forceAtlas2Based: { gravitationalConstant: -60, springLength: 90 } },
    nodes: { borderWidth: 1, scaling: { min: 6, max: 30 } },
    edges: { smooth: { type: "continuous" }, color: { inherit: false }, selectionWidth: 2 },
    interaction: { hover: true, tooltipDelay: 120, keyboard: false }
  });
  var labels = window.ecosystemLabels(network, nodes);
  network.on("stabilizationIterationsDone", function () {
    network.setOptions({ physics: { enabled: false } });
    network.fit({ maxZoomLevel: 1.8 });
  });

  function kindStyle(kind) {
    var found = meta && meta.kinds.filter(function (k) { return k.kind === kind; })[0];
    return found || { colour: "#b0b0b0", dashes: false, label: kind };
  }
  function tooltip(n) {
    var lines = [n.name, n.org_type ? n.org_type.replace("_", " ") : n.kind];
    if (n.sectors && n.sectors.length) lines.push(n.sectors.join(", "));
    lines.push(n.degree + " relationships");
    return lines.join("\n");
  }
  function addNode(n) {
    var item = { id: n.key, name: n.name, kind: n.kind, org_type: n.org_type,
                 sectors: n.sectors || [], value: Math.log(2 + n.degree),
                 baseValue: Math.log(2 + n.degree), baseColour: n.colour,
                 shape: n.shape, color: n.colour, title: tooltip(n) };
    if (nodes.get(n.key)) nodes.update(item); else nodes.add(item);
  }
  function edgeId(e) { return e.from + "|" + e.to + "|" + e.kind + "|" + (e.since || ""); }
  function addEdge(e) {
    if (edges.get(edgeId(e))) return;
    var style = kindStyle(e.kind);
    var period = e.since || e.until ? (e.since || "start") + " to " + (e.until || "now") : "";
    edges.add({ id: edgeId(e), from: e.from, to: e.to, kind: e.kind, since: e.since,
                until: e.until, color: style.colour,
                dashes: style.dashes, width: 1.5,
                title: [style.label + (e.tier ? " (" + e.tier + ")" : ""), period]
                  .filter(Boolean).join("\n") });
  }
  function moreNode(key, total, shown) {
    var id = "more:" + key;
    var left = total - shown;
    if (left <= 0) {
      nodes.remove(id);
      return;
    }
    var item = { id: id, name: "+" + left.toLocaleString("en") + " more", value: 1,
                 shape: "dot", color: "#cfcfcf", more: key,
                 title: left + " more neighbours: click for the next " + Math.min(PAGE, left) };
    if (nodes.get(id)) nodes.update(item); else nodes.add(item);
    var edge = { id: "more|" + key, from: key, to: id, color: "#dddddd", width: 1 };
    if (!edges.get(edge.id)) edges.add(edge);
  }

  // Show the next page of a node's neighbours.
  function expand(key, record) {
    var offset = state.pages[key] || 0;
    return getJSON("/v1/explore/neighbours", { node: key, as_of: state.date, kind: state.kinds,
                                              limit: PAGE, offset: offset })
      .then(function (answer) {
        addNode(answer.node);
        answer.neighbours.forEach(addNode);
        answer.edges.forEach(addEdge);
        state.pages[key] = offset + answer.neighbours.length;
        moreNode(key, answer.total, state.pages[key]);
        if (record && state.expanded.indexOf(key) < 0) state.expanded.push(key);
        applyFilters();
        network.setOptions({ physics: { enabled: nodes.length <= 400 } });
        network.stabilize(150);
        saveState();
      });
  }
  // Rebuild the graph for the current date and kinds, expanding the same nodes again.
  function rebuild() {
    var order = state.expanded.slice();
    nodes.clear();
    edges.clear();
    state.pages = {};
    var chain = Promise.resolve();
    order.forEach(function (key) {
      chain = chain.then(function () { return expand(key, false); });
    });
    return chain.catch(failed);
  }

  network.on("click", function (params) {
    if (!params.nodes.length) return;
    var id = params.nodes[0];
    var node = nodes.get(id);
    if (node && node.more) {
      expand(node.more, false).catch(failed);
      return;
    }
    open(id, true);
  });

  // Open a node: its page (companies), its neighbours in the graph.
  function open(key, expandIt) {
    showMessage("");
    state.focus = key;
    var work = [];
    if (key.indexOf("company:") === 0) work.push(showCompany(key.slice(8)));
    else work.push(showProgramme(key));
    if (expandIt && state.expanded.indexOf(key) < 0) work.push(expand(key, true));
    else applyFilters();
    saveState();
    if (state.scan) work.push(runScan());
    return Promise.all(work).catch(failed);
  }

  // ---- filters ---------------------------------------------------------------------------
  // The node on the page is drawn large and black; the others by how connected they are.
  function applyFilters() {
    var updates = [];
    var largest = 1;
    nodes.forEach(function (n) { if (n.baseValue > largest) largest = n.baseValue; });
    nodes.forEach(function (n) {
      if (n.more) return;
      var focal = n.id === state.focus;
      var value = focal ? Math.max(n.baseValue, 0.7 * largest) : n.baseValue;
      var colour = focal ? "#111111" : n.baseColour;
      if (n.value !== value || n.color !== colour) updates.push({ id: n.id, value: value, color: colour });
    });
    nodes.update(updates);
    updates = [];
    nodes.forEach(function (n) {
      var hidden = false;
      if (n.kind === "company") {
        if (state.types && state.types.indexOf(n.org_type || "company") < 0) hidden = true;
        if (state.sector && n.sectors.indexOf(state.sector) < 0) hidden = true;
      }
      if (n.id === state.focus) hidden = false;
      if (!!n.hidden !== hidden) updates.push({ id: n.id, hidden: hidden });
    });
    nodes.update(updates);
    var shown = nodes.get({ filter: function (n) { return !n.hidden && !n.more; } }).length;
    var all = nodes.get({ filter: function (n) { return !n.more; } }).length;
    $("count").textContent = shown === all ? all + " nodes" : shown + " of " + all + " nodes";
    var parts = [];
    if (state.kinds) parts.push(state.kinds.length + " relationship kinds");
    if (state.types) parts.push(state.types.join(", ").replace(/_/g, " "));
    if (state.sector) parts.push(state.sector);
    $("filter-summary").textContent = parts.length ? "(" + parts.join("; ") + ")" : "";
  }
  function checkboxes(box, items, chosen, onChange) {
    items.forEach(function (item) {
      var label = el("label");
      var input = el("input");
      input.type = "checkbox";
      input.value = item.value;
      input.checked = !chosen || chosen.indexOf(item.value) >= 0;
      input.addEventListener("change", function () {
        var ticked = Array.prototype.filter.call(box.querySelectorAll("input"),
          function (i) { return i.checked; }).map(function (i) { return i.value; });
        onChange(ticked.length === items.length ? null : ticked);
      });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + item.label));
      box.appendChild(label);
    });
  }
  function buildFilters() {
    checkboxes($("kinds"), meta.kinds.map(function (k) {
      return { value: k.kind, label: k.label };
    }), state.kinds, function (chosen) {
      state.kinds = chosen;
      saveState();
      rebuild();
    });
    checkboxes($("types"), meta.org_types.map(function (t) {
      return { value: t, label: t.replace("_", " ") };
    }), state.types, function (chosen) {
      state.types = chosen;
      saveState();
      applyFilters();
      if (state.scan) runScan().catch(failed);
    });
    var select = $("sector");
    meta.sectors.forEach(function (name) {
      var option = el("option", name);
      option.value = name;
      select.appendChild(option);
    });
    select.value = state.sector;
    select.addEventListener("change", function () {
      state.sector = select.value;
      saveState();
      applyFilters();
    });
  }

  // ---- the date slider: month ends from the first date to the last, then "all dates" -----
  function buildDates() {
    if (!meta.first) return;
    var first = new Date(meta.first.slice(0, 7) + "-01T00:00:00Z");
    var last = new Date((meta.last > today() ? today() : meta.last).slice(0, 7) + "-01T00:00:00Z");
    for (var d = first; d <= last; d = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))) {
      var end = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0));
      dates.push(end.toISOString().slice(0, 10));
    }
    var slider = $("date");
    slider.max = String(dates.length);
    slider.value = String(state.date ? nearest(state.date) : dates.length);
    slider.setAttribute("aria-valuetext", state.date || "all dates");
    $("date-label").textContent = state.date || "all dates";
    slider.addEventListener("input", function () {
      var i = Number(slider.value);
      $("date-label").textContent = i >= dates.length ? "all dates" : dates[i];
    });
    slider.addEventListener("change", function () {
      var i = Number(slider.value);
      state.date = i >= dates.length ? null : dates[i];
      slider.setAttribute("aria-valuetext", state.date || "all dates");
      saveState();
      refreshAll();
    });
  }
  function today() { return new Date().toISOString().slice(0, 10); }
  function nearest(day) {
    for (var i = 0; i < dates.length; i++) if (dates[i] >= day) return i;
    return dates.length - 1;
  }
  // Everything on the page follows the date.
  function refreshAll() {
    var work = [rebuild()];
    if (state.focus && state.focus.indexOf("company:") === 0) work.push(showCompany(state.focus.slice(8)));
    if (state.focus && state.focus.indexOf("programme:") === 0) work.push(showProgramme(state.focus));
    if (state.scan) work.push(runScan());
    return Promise.all(work).catch(failed);
  }

  // ---- search with suggestions -----------------------------------------------------------
  var q = $("q");
  var list = $("suggestions");
  var active = -1;
  var shownSuggestions = [];
  var pending = null;
  function closeSuggestions() {
    list.hidden = true;
    q.setAttribute("aria-expanded", "false");
    q.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function renderSuggestions(items) {
    shownSuggestions = items;
    list.textContent = "";
    items.forEach(function (item, i) {
      var li = el("li");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.appendChild(el("span", item.name));
      var sub = [item.org_type ? item.org_type.replace("_", " ") : item.kind];
      if (item.sectors.length) sub.push(item.sectors[0]);
      li.appendChild(el("span", " \u00b7 " + sub.join(", "), "sub"));
      li.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(i);
      });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    q.setAttribute("aria-expanded", items.length ? "true" : "false");
  }
  function highlight(i) {
    active = i;
    Array.prototype.forEach.call(list.children, function (li, j) {
      li.setAttribute("aria-selected", j === i ? "true" : "false");
    });
    if (i >= 0) q.setAttribute("aria-activedescendant", "suggestion-" + i);
  }
  function choose(i) {
    var item = shownSuggestions[i];
    if (!item) return;
    q.value = item.name;
    closeSuggestions();
    open(item.key, true);
  }
  q.addEventListener("input", function () {
    var text = q.value.trim();
    clearTimeout(pending);
    if (!text) { renderSuggestions([]); return; }
    pending = setTimeout(function () {
      getJSON("/v1/explore/suggest", { q: text }).then(function (items) {
        if (q.value.trim() === text) renderSuggestions(items);
      }).catch(failed);
    }, 120);
  });
  q.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && shownSuggestions.length) {
      event.preventDefault();
      list.hidden = false;
      highlight(Math.min(active + 1, shownSuggestions.length - 1));
    } else if (event.key === "ArrowUp" && shownSuggestions.length) {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === "Enter") {
      event.preventDefault();
      if (!list.hidden) choose(active >= 0 ? active : 0);
    } else if (event.key === "Escape") {
      closeSuggestions();
    }
  });
  q.addEventListener("blur", function () { setTimeout(closeSuggestions, 150); });

  // ---- the company page ------------------------------------------------------------------
  function openButton(text, key) {
    var button = el("button", text, "link");
    button.type = "button";
    button.setAttribute("data-key", key);
    button.addEventListener("click", function () { open(key, true); });
    return button;
  }
  function section(box, title) {
    box.appendChild(el("h3", title));
    var ul = el("ul", null, "plain");
    box.appendChild(ul);
    return ul;
  }
  function showCompany(id) {
    return getJSON("/v1/explore/companies/" + encodeURIComponent(id), { as_of: state.date })
      .then(function (c) {
        var box = $("company");
        box.textContent = "";
        var h = el("h2", c.name);
        h.id = "company-name";
        box.appendChild(h);
        var type = c.org_type ? c.org_type.type.replace("_", " ") : "company";
        var typeLine = el("p", type, "sub");
        if (c.org_type) typeLine.title = c.org_type.evidence;
        box.appendChild(typeLine);
        var sectors = section(box, "Sectors");
        var seen = {};
        (c.sectors.length ? c.sectors : [{ name: "unknown", evidence: "" }]).forEach(function (s) {
          if (seen[s.name]) return;
          seen[s.name] = true;
          var li = el("li", s.name);
          if (s.evidence) li.title = s.evidence;
          sectors.appendChild(li);
        });
        var members = section(box, "Memberships (" + c.memberships.length + ")");
        c.memberships.forEach(function (m) {
          var li = el("li");
          li.appendChild(openButton(m.other_name, m.other_key));
          var extra = [m.tier, m.since ? "since " + m.since.slice(0, 7) : null,
                       m.until ? "until " + m.until.slice(0, 7) : null].filter(Boolean);
          if (extra.length) li.appendChild(el("span", " " + extra.join(", "), "sub"));
          members.appendChild(li);
        });
        if (c.partnerships.length) {
          var parts = section(box, "Partnerships");
          c.partnerships.forEach(function (p) {
            var li = el("li");
            li.appendChild(el("span", "", "band band-" + p.drawn_band));
            li.appendChild(el("span", p.name + " \u2014 " + p.stage));
            var detail = [p.drawn_band, p.health !== null ? "health " + p.health.toFixed(2) : null,
                          p.open_alerts.length ? p.open_alerts.length + " open alerts" : null];
            li.appendChild(el("div", detail.filter(Boolean).join(", "), "sub"));
            parts.appendChild(li);
          });
        }
        if (c.ties.length) {
          var ties = section(box, "Other ties (" + c.ties.length + ")");
          c.ties.slice(0, 30).forEach(function (t) {
            var li = el("li", t.kind.replace(/_/g, " ") + " ");
            li.appendChild(openButton(t.other_name, t.other_key));
            ties.appendChild(li);
          });
        }
        var patents = c.patents;
        var pat = section(box, "Patents by class (" + patents.total.toLocaleString("en") + ")");
        var top = patents.classes.length ? patents.classes[0].count : 1;
        patents.classes.slice(0, 10).forEach(function (p) {
          var li = el("li");
          var bar = el("span", "", "bar");
          bar.style.width = Math.max(2, Math.round(120 * p.count / top)) + "px";
          li.appendChild(bar);
          li.appendChild(el("span", (p.title || p["class"]) + " (" + p.count + ")"));
          pat.appendChild(li);
        });
        $("scan-for").textContent = "For " + c.name + ", from its stored needs or its profile.";
        $("scan").disabled = false;
      });
  }
  function showProgramme(key) {
    $("scan").disabled = true;
    $("scan-for").textContent = "The scan is for companies: open one.";
    return getJSON("/v1/explore/programmes/" + encodeURIComponent(key.slice(10)),
                   { as_of: state.date }).then(function (p) {
      var box = $("company");
      box.textContent = "";
      var h = el("h2", p.name);
      h.id = "company-name";
      box.appendChild(h);
      box.appendChild(el("p", "programme \u00b7 " + p.members.toLocaleString("en") +
                          " members" + (state.date ? " on " + state.date : " (ever)"), "sub"));
      var tiers = section(box, "Members by tier");
      var top = p.tiers.length ? Math.max.apply(null, p.tiers.map(function (t) {
        return t.members;
      })) : 1;
      p.tiers.forEach(function (t) {
        var li = el("li");
        var bar = el("span", "", "bar");
        bar.style.width = Math.max(2, Math.round(120 * t.members / top)) + "px";
        li.appendChild(bar);
        li.appendChild(el("span", t.tier + " (" + t.members + ")"));
        tiers.appendChild(li);
      });
      var best = section(box, "Best connected members");
      p.best_connected.forEach(function (m) {
        var li = el("li");
        li.appendChild(openButton(m.name, m.key));
        if (m.tier) li.appendChild(el("span", " " + m.tier, "sub"));
        best.appendChild(li);
      });
      var joined = section(box, "Joined in the year before (" + p.joined_last_year_count + ")");
      p.joined_last_year.forEach(function (m) {
        var li = el("li");
        li.appendChild(openButton(m.name, m.key));
        li.appendChild(el("span", " " + [m.tier, m.since].filter(Boolean).join(", "), "sub"));
        joined.appendChild(li);
      });
    });
  }

  // ---- the partner scan ------------------------------------------------------------------
  function focalCompany() {
    return state.focus && state.focus.indexOf("company:") === 0 ? state.focus.slice(8) : null;
  }
  function runScan() {
    var company = focalCompany();
    state.scan = true;
    saveState();
    var box = $("candidates");
    if (!company) return Promise.resolve();
    var include = state.types ? state.types.filter(function (t) { return t !== "company"; })
      .join(",") : "non_profit,academic,government,project";
    return getJSON("/v1/scan/" + encodeURIComponent(company), {
      as_of: state.date, top: 10, whatif: state.whatif ? "true" : null, include: include || null
    }).then(function (candidates) {
      box.textContent = "";
      if (!candidates.length) box.appendChild(el("li", "No candidate with enough evidence."));
      candidates.forEach(function (c) {
        var li = el("li");
        li.setAttribute("data-company", c.company);
        var head = el("div");
        head.appendChild(openButton(c.name, "company:" + c.company));
        head.appendChild(el("span", " " + c.score.toFixed(2), "score"));
        li.appendChild(head);
        var sub = [c.axis, c.org_type ? c.org_type.type.replace("_", " ") : null,
                   c.sectors.length ? c.sectors[0].name : null];
        li.appendChild(el("div", sub.filter(Boolean).join(" \u00b7 "), "sub"));
        if (c.reasons.length) li.appendChild(el("div", c.reasons.slice(0, 2).join("; ")));
        var names = Object.keys(c.what_if || {});
        if (names.length) {
          li.appendChild(el("div", "What if: " + names.map(function (k) {
            var v = c.what_if[k];
            return k.replace(/_/g, " ") + " " + (v >= 0 ? "+" : "") + v.toFixed(3);
          }).join(", "), "whatif"));
        }
        var why = el("details", null, "why");
        why.appendChild(el("summary", "Why"));
        var ul = el("ul");
        c.explanation.forEach(function (line) { ul.appendChild(el("li", line)); });
        why.appendChild(ul);
        li.appendChild(why);
        box.appendChild(li);
      });
    });
  }
  $("scan").addEventListener("click", function () { runScan().catch(failed); });
  $("whatif").addEventListener("change", function () {
    state.whatif = $("whatif").checked;
    saveState();
    if (state.scan) runScan().catch(failed);
  });

  // ---- export: the same files the CLI writes ---------------------------------------------
  document.querySelectorAll("[data-export]").forEach(function (button) {
    button.addEventListener("click", function () {
      var format = button.getAttribute("data-export");
      var shown = nodes.get({ filter: function (n) { return !n.hidden && !n.more; } })
        .map(function (n) { return n.id; });
      var focal = focalCompany() ? state.focus :
        shown.filter(function (k) { return k.indexOf("company:") === 0; })[0];
      if (!focal) { showMessage("Open a company first: the exported view starts from one."); return; }
      request("/v1/explore/export", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ focal: focal, nodes: shown, as_of: state.date,
                               kinds: state.kinds, format: format })
      }).then(function (response) { return response.blob(); }).then(function (blob) {
        var link = el("a");
        link.href = URL.createObjectURL(blob);
        link.download = focal.replace(/[^A-Za-z0-9_-]+/g, "-") + "." + format;
        document.body.appendChild(link);
        link.click();
        link.remove();
      }).catch(failed);
    });
  });

  $("fit").addEventListener("click", function () { network.fit({ maxZoomLevel: 1.8 }); });
  $("clear").addEventListener("click", function () {
    nodes.clear();
    edges.clear();
    state.expanded = [];
    state.pages = {};
    applyFilters();
    saveState();
  });
  $("key").addEventListener("change", function () {
    sessionStorage.setItem("ecosystem-key", $("key").value);
    start();
  });

  window.ecosystemExplorer = { network: network, nodes: nodes, edges: edges, labels: labels,
                               state: state, open: open };

  // ---- start: restore what the URL says --------------------------------------------------
  var started = false;
  function start() {
    loadState();
    $("whatif").checked = state.whatif;
    return getJSON("/v1/explore/meta").then(function (answer) {
      meta = answer;
      if (!started) {
        buildFilters();
        buildDates();
        started = true;
      }
      var work = [rebuild()];
      if (state.focus) {
        if (state.focus.indexOf("company:") === 0) work.push(showCompany(state.focus.slice(8)));
        else work.push(showProgramme(state.focus));
        if (state.expanded.indexOf(state.focus) < 0) work.push(expand(state.focus, true));
      }
      if (state.scan && focalCompany()) work.push(runScan());
      return Promise.all(work);
    }).then(function () {
      applyFilters();
    }).catch(failed).finally(function () {
      document.body.setAttribute("data-ready", "1");
    });
  }
  start();
})();

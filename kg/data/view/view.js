/* kg view: search, filters, neighbourhood highlight and tooltips for a vis-network graph.
 *
 * Every text from the graph is untrusted: it reaches the DOM only through textContent
 * (never innerHTML), and only http(s) URLs become links. */
(function () {
  "use strict";

  var VEIL = "rgba(255,255,255,0.8)";
  var MAX_MATCHES = 12;

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  var info = data.info;
  var edgeInfo = data.edgeInfo;
  var categories = data.categories;

  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);

  var view = {
    network: network, nodes: nodes, edges: edges, info: info,
    ready: false, readyAt: null, highlighted: null, neighbourhood: [],
    hiddenCategories: [], minPapers: data.minPapers || 1,
    labels: [], labelBoxes: [], captions: [],
  };
  window.kgView = view;

  // ---------- DOM helpers (text only) ----------
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function safeHref(url) {
    return typeof url === "string" && /^https?:\/\/[^\s]+$/i.test(url) ? url : null;
  }
  function link(url, text) {
    var href = safeHref(url);
    if (!href) { return el("span", null, text || url); }
    var a = el("a", null, text || href);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }
  function categoryLabel(c) {
    return Object.prototype.hasOwnProperty.call(categories, c) ? categories[c] : String(c);
  }
  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function describe(id, full) {
    var i = info[id] || { category: "?", name: id };
    var card = el("div", "kg-card");
    var kind = categoryLabel(i.category);
    if (i.family) {
      kind += " family · named by no paper · its variants in " + plural(i.papers, "paper");
    } else if (i.papers !== undefined) { kind += " · " + plural(i.papers, "paper"); }
    card.appendChild(el("div", "kg-kind", kind));
    card.appendChild(el("div", "kg-name", i.label || i.name));
    if (i.label && i.label !== i.name) { card.appendChild(el("div", "kg-meta", i.name)); }
    if (i.aliases) { card.appendChild(el("div", "kg-meta", "Also: " + i.aliases.join(", "))); }
    if (i.date || i.authors) {
      card.appendChild(el("div", "kg-meta", [i.date, (i.authors || []).join(", ")]
        .filter(Boolean).join(" · ")));
    }
    if (i.link) {
      card.appendChild(full ? link(i.link) : el("div", "kg-meta", i.link));
    }
    if (full && i.abstract) { card.appendChild(el("p", "kg-abstract", i.abstract)); }
    list(card, "Evidence", i.evidence, "kg-quote", function (s) { return "“" + s + "”"; });
    list(card, "Results", i.results);
    return card;
  }
  function list(card, heading, items, cls, fmt) {
    if (!items || !items.length) { return; }
    card.appendChild(el("h3", null, heading));
    var ul = el("ul");
    items.forEach(function (s) { ul.appendChild(el("li", cls, fmt ? fmt(s) : s)); });
    card.appendChild(ul);
  }
  function describeEdge(id) {
    var e = edges.get(id);
    var i = edgeInfo[id] || { relations: [] };
    var card = el("div", "kg-card");
    card.appendChild(el("div", "kg-kind", i.relations.join(", ").replace(/_/g, " ")
      + " · " + plural(i.support || 1, "paper")));
    var a = info[e.from] || { name: e.from };
    var b = info[e.to] || { name: e.to };
    card.appendChild(el("div", "kg-meta", a.name + " → " + b.name));
    if (i.evidence) { card.appendChild(el("div", "kg-quote", "“" + i.evidence + "”")); }
    return card;
  }

  // ---------- tooltip ----------
  var tip = document.getElementById("kg-tooltip");
  function showTip(content, pointer) {
    tip.replaceChildren(content);
    tip.hidden = false;
    var box = container.getBoundingClientRect();
    var x = box.left + pointer.x + 14;
    var y = box.top + pointer.y + 14;
    var w = tip.offsetWidth, h = tip.offsetHeight;
    if (x + w > window.innerWidth - 4) { x = Math.max(4, box.left + pointer.x - w - 14); }
    if (y + h > window.innerHeight - 4) { y = Math.max(4, box.top + pointer.y - h - 14); }
    tip.style.left = x + "px";
    tip.style.top = y + "px";
  }
  function hideTip() { tip.hidden = true; }
  network.on("hoverNode", function (p) { showTip(describe(p.node, false), p.pointer.DOM); });
  network.on("hoverEdge", function (p) { showTip(describeEdge(p.edge), p.pointer.DOM); });
  network.on("blurNode", hideTip);
  network.on("blurEdge", hideTip);
  network.on("dragStart", hideTip);
  network.on("zoom", hideTip);

  // ---------- the overview: group discs, captions, names of the most connected ----------
  // vis-network names a node only once its label would be legible (zoomed in); before
  // that, the page names the most connected entities itself, in screen pixels, as many
  // as fit without overlap (most connected first), and each group by its caption.
  var groups = data.groups || [];
  var rank = data.rank || [];
  var LABEL_FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif";
  var widths = Object.create(null);
  function visLabels() {
    return data.options.nodes.font.size * network.getScale()
      >= data.options.nodes.scaling.label.drawThreshold;
  }
  function maxLabels() {
    var area = container.clientWidth * container.clientHeight;
    return Math.max(8, Math.min(60, Math.round(area / 30000)));
  }
  function fontFor(k) {
    return k < 3 ? "bold 17px " : k < 12 ? "600 14.5px " : "13px ";
  }
  function textWidth(ctx, font, text) {
    var key = font + "\u0000" + text;
    if (widths[key] === undefined) { ctx.font = font + LABEL_FONT; widths[key] = ctx.measureText(text).width; }
    return widths[key];
  }
  function overlaps(b, boxes) {
    for (var k = 0; k < boxes.length; k++) {
      var o = boxes[k];
      if (b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]) { return true; }
    }
    return false;
  }
  network.on("beforeDrawing", function (ctx) {
    ctx.save();
    groups.forEach(function (gr) {
      ctx.beginPath();
      ctx.ellipse(gr.x, gr.y, gr.rx, gr.ry, 0, 0, 2 * Math.PI);
      ctx.fillStyle = gr.tint;
      ctx.fill();
    });
    ctx.restore();
  });
  function drawOverview(ctx) {
    var W = container.clientWidth, H = container.clientHeight;
    var scale = network.getScale();
    var t = network.body.view.translation;
    var ratio = network.canvas.pixelRatio || 1;
    var boxes = [], texts = [], pills = [];
    var placed = [], placedBoxes = [];
    var next = 0;
    var most = visLabels() ? 0 : maxLabels();
    ctx.save();
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineJoin = "round";
    function free(b) {
      return b[0] >= 0 && b[2] <= W && b[1] >= 0 && b[3] <= H && !overlaps(b, boxes);
    }
    function labelUpTo(count) {  // the next most connected visible entities, where there is room
      for (; next < rank.length && placed.length < count; next++) {
        var id = rank[next];
        var n = network.body.nodes[id];
        if (!n || n.options.hidden || !n.options.label) { continue; }
        var x = n.x * scale + t.x, y = n.y * scale + t.y;
        if (x < 0 || x > W || y < 0 || y > H) { continue; }
        var font = fontFor(placed.length);
        var w = textWidth(ctx, font, n.options.label) + 6;
        var hgt = placed.length < 3 ? 21 : 18;
        var r = Math.max(2, n.options.size * scale);
        var spots = [[x - w / 2, y + r + 1], [x - w / 2, y - r - hgt - 1], [x + r + 3, y - hgt / 2],
                     [x - r - 3 - w, y - hgt / 2], [x + r, y + r], [x - r - w, y + r],
                     [x + r, y - r - hgt], [x - r - w, y - r - hgt]];
        for (var s = 0; s < spots.length; s++) {
          var b = [spots[s][0], spots[s][1], spots[s][0] + w, spots[s][1] + hgt];
          if (!free(b)) { continue; }
          boxes.push(b);
          placed.push(id);
          placedBoxes.push(b);
          texts.push([n.options.label, b[0] + w / 2, b[1] + 2, font, "#1d1d1d", "#ffffff"]);
          break;
        }
      }
    }
    // The most connected first, then each group's caption at the top of its ellipse (or
    // just above it), then as many more names as fit.
    labelUpTo(Math.min(most, 8));
    view.captions = [];
    groups.forEach(function (gr) {
      if (!gr.name) { return; }
      var font = "600 12.5px ";
      var w = textWidth(ctx, font, gr.name) + 14;
      var x = gr.x * scale + t.x;
      var top = (gr.y - gr.ry) * scale + t.y;
      if (x + w / 2 < 0 || x - w / 2 > W || top > H - 20 || (gr.y + gr.ry) * scale + t.y < 0) {
        return;
      }
      x = Math.min(Math.max(x, w / 2 + 4), W - w / 2 - 4);
      var ys = [Math.max(4, top + 2), Math.max(4, top - 22), Math.max(4, top + 24)];
      for (var k = 0; k < ys.length; k++) {
        var b = [x - w / 2, ys[k], x + w / 2, ys[k] + 20];
        if (!free(b)) { continue; }
        boxes.push(b);
        pills.push([b, gr.tint]);
        texts.push([gr.name, x, ys[k] + 3.5, font, "#3a3a3a", null]);
        view.captions.push(gr.name);
        return;
      }
    });
    labelUpTo(most);
    pills.forEach(function (p) {
      var b = p[0];
      ctx.beginPath();
      if (ctx.roundRect) { ctx.roundRect(b[0], b[1], b[2] - b[0], b[3] - b[1], 10); }
      else { ctx.rect(b[0], b[1], b[2] - b[0], b[3] - b[1]); }
      ctx.fillStyle = p[1];
      ctx.fill();
      ctx.lineWidth = 1;
      ctx.strokeStyle = "#9a9a9a";
      ctx.stroke();
    });
    texts.forEach(function (tx) {
      ctx.font = tx[3] + LABEL_FONT;
      if (tx[5]) {
        ctx.lineWidth = 4;
        ctx.strokeStyle = tx[5];
        ctx.strokeText(tx[0], tx[1], tx[2]);
      }
      ctx.fillStyle = tx[4];
      ctx.fillText(tx[0], tx[1], tx[2]);
    });
    ctx.restore();
    view.labels = placed;
    view.labelBoxes = placedBoxes;
  }

  // ---------- neighbourhood highlight ----------
  // Updating thousands of DataSet items to fade them costs ~1 s at 5,000 nodes, so the
  // highlight is drawn instead: after vis-network has drawn the frame, a translucent veil
  // covers it and the neighbourhood is drawn again on top (cost: its size, not the graph's).
  // Uses vis-network internals (body.nodes/edges and their draw methods) of the inlined
  // 9.1.2; tests/test_view_browser.py checks the result on screen.
  var focusNodes = [];
  var focusEdges = [];
  network.on("afterDrawing", function (ctx) {
    drawOverview(ctx);
    if (view.highlighted === null) { return; }
    var body = network.body;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = VEIL;
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
    var shown = function (id) { return body.nodes[id] && !body.nodes[id].options.hidden; };
    focusEdges.forEach(function (id) {
      var e = body.edges[id];
      if (!e || !e.connected || !shown(e.fromId) || !shown(e.toId)) { return; }
      // the translucent links come out solid around the highlighted node
      var c = e.options.color, keep = [c.color, c.highlight, c.hover];
      if (Object.prototype.hasOwnProperty.call(data.solid, keep[0])) {
        c.color = c.highlight = c.hover = data.solid[keep[0]];
      }
      e.draw(ctx);
      e.drawArrows(ctx);
      c.color = keep[0];
      c.highlight = keep[1];
      c.hover = keep[2];
    });
    if (!data.edgeLabels) { edgeLabels(ctx, body); }
    var labels = [];
    focusNodes.forEach(function (id) {
      if (!shown(id)) { return; }
      var r = body.nodes[id].draw(ctx);
      if (r && r.drawExternalLabel) { labels.push(r.drawExternalLabel); }
    });
    labels.forEach(function (draw) { draw(); });
    nodeLabels(ctx, body);
  });
  function nodeLabels(ctx, body) {
    // Zoomed out, vis-network skips labels; the highlighted nodes keep theirs.
    var scale = network.getScale();
    if (data.options.nodes.font.size * scale >= data.options.nodes.scaling.label.drawThreshold) {
      return;
    }
    ctx.save();
    ctx.font = (12 / scale) + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = "#ffffff";
    ctx.fillStyle = "#222222";
    focusNodes.forEach(function (id) {
      var n = body.nodes[id];
      if (!n || n.options.hidden || !n.options.label) { return; }
      var y = n.y + n.options.size + 3 / scale;
      ctx.strokeText(n.options.label, n.x, y);
      ctx.fillText(n.options.label, n.x, y);
    });
    ctx.restore();
  }
  function edgeLabels(ctx, body) {
    // Large views carry no edge labels (too slow to draw thousands); label the few shown here.
    var scale = network.getScale();
    ctx.save();
    ctx.font = (11 / scale) + "px system-ui, sans-serif";
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    ctx.lineWidth = 3 / scale;
    ctx.strokeStyle = "#ffffff";
    ctx.fillStyle = "#444444";
    focusEdges.forEach(function (id) {
      var e = body.edges[id];
      if (!e || !e.connected || e.from.options.hidden || e.to.options.hidden) { return; }
      var text = (edgeInfo[id].relations || []).join(", ").replace(/_/g, " ");
      var x = (e.from.x + e.to.x) / 2, y = (e.from.y + e.to.y) / 2;
      ctx.strokeText(text, x, y);
      ctx.fillText(text, x, y);
    });
    ctx.restore();
  }
  function highlight(id) {
    var around = network.getConnectedNodes(id);
    focusNodes = around.concat([id]);  // the node itself last: on top
    focusEdges = network.getConnectedEdges(id);
    view.highlighted = id;
    view.neighbourhood = focusNodes.slice().sort();
    network.selectNodes([id]);
    network.redraw();
    showDetails(id);
  }
  function clearHighlight() {
    focusNodes = [];
    focusEdges = [];
    view.highlighted = null;
    view.neighbourhood = [];
    network.unselectAll();
    network.redraw();
    details.hidden = true;
    details.replaceChildren();
  }
  network.on("click", function (p) {
    hideTip();
    if (p.nodes.length) { highlight(p.nodes[0]); } else if (!p.edges.length) { clearHighlight(); }
  });

  // ---------- details panel ----------
  var details = document.getElementById("kg-details");
  function showDetails(id) {
    var card = describe(id, true);
    var around = network.getConnectedNodes(id).filter(function (n) { return !isHidden(n); });
    around.sort(function (a, b) {
      return (info[a].name || "").localeCompare(info[b].name || "");
    });
    if (around.length) {
      card.appendChild(el("h3", null, "Linked to (" + around.length + ")"));
      var ul = el("ul", "kg-neighbours");
      around.slice(0, 60).forEach(function (n) {
        var b = el("button", null, info[n].name);
        b.type = "button";
        b.title = categoryLabel(info[n].category);
        b.addEventListener("click", function () { choose(n); });
        var li = el("li");
        li.appendChild(b);
        ul.appendChild(li);
      });
      card.appendChild(ul);
    }
    details.replaceChildren(card);
    details.hidden = false;
  }

  // ---------- filters ----------
  var hiddenCats = Object.create(null);  // no prototype: any type name is safe
  function isHidden(id) {
    var i = info[id];
    return !!hiddenCats[i.category] || (i.papers !== undefined && i.papers < view.minPapers);
  }
  var hiddenNow = Object.create(null);
  function applyFilters() {
    var upd = [];
    data.nodes.forEach(function (n) {
      var h = isHidden(n.id);
      if (h !== !!hiddenNow[n.id]) {
        upd.push({ id: n.id, hidden: h });
        if (h) { hiddenNow[n.id] = true; } else { delete hiddenNow[n.id]; }
      }
    });
    nodes.update(upd);
    view.hiddenCategories = Object.keys(hiddenCats).sort();
    if (view.highlighted && isHidden(view.highlighted)) { clearHighlight(); }
  }
  var boxes = document.querySelectorAll("#kg-legend input[data-category]");
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked) { delete hiddenCats[box.dataset.category]; }
      else { hiddenCats[box.dataset.category] = true; }
      applyFilters();
    });
  });
  var minInput = document.getElementById("kg-min-papers");
  minInput.addEventListener("input", function () {
    // nothing under the page's own --min-papers is in the page: it is the floor
    var v = parseInt(minInput.value, 10);
    view.minPapers = isFinite(v) && v > data.minPapers ? v : data.minPapers;
    applyFilters();
  });
  function ensureVisible(id) {
    var i = info[id];
    if (hiddenCats[i.category]) {
      delete hiddenCats[i.category];
      boxes.forEach(function (b) { if (b.dataset.category === i.category) { b.checked = true; } });
    }
    if (i.papers !== undefined && i.papers < view.minPapers) {
      view.minPapers = Math.max(1, i.papers);
      minInput.value = String(view.minPapers);
    }
    applyFilters();
  }

  // ---------- search ----------
  var index = Object.keys(info).map(function (id) {
    var i = info[id];
    var keys = [i.name, i.label].concat(i.aliases || []).filter(Boolean)
      .map(function (s) { return String(s).toLowerCase(); });
    return { id: id, keys: keys, papers: i.papers || 0 };
  });
  function search(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return []; }
    var hits = [];
    index.forEach(function (e) {
      var best = 9;
      e.keys.forEach(function (k) {
        var r = k === q ? 0 : k.indexOf(q) === 0 ? 1 : k.indexOf(q) > 0 ? 2 : 9;
        if (r < best) { best = r; }
      });
      if (best < 9) { hits.push([best, -e.papers, info[e.id].name, e.id]); }
    });
    hits.sort(function (a, b) {
      return a[0] - b[0] || a[1] - b[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
    });
    return hits.slice(0, MAX_MATCHES).map(function (h) { return h[3]; });
  }
  var input = document.getElementById("kg-search");
  var results = document.getElementById("kg-search-results");
  var matches = [];
  var active = 0;
  function renderMatches() {
    results.replaceChildren();
    matches.forEach(function (id, k) {
      var li = el("li");
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", k === active ? "true" : "false");
      li.dataset.id = id;
      li.appendChild(el("span", null, info[id].name));
      li.appendChild(el("span", "kg-kind", categoryLabel(info[id].category)));
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(id); });
      results.appendChild(li);
    });
    if (!matches.length && input.value.trim()) {
      results.appendChild(el("li", "kg-none", "No node with that name in this view"));
    }
    results.hidden = !input.value.trim();
  }
  input.addEventListener("input", function () {
    matches = search(input.value);
    active = 0;
    renderMatches();
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (matches.length) {
        active = (active + (ev.key === "ArrowDown" ? 1 : matches.length - 1)) % matches.length;
        renderMatches();
      }
      ev.preventDefault();
    } else if (ev.key === "Enter") {
      if (matches.length) { choose(matches[active]); }
      ev.preventDefault();
    } else if (ev.key === "Escape") {
      input.value = "";
      matches = [];
      renderMatches();
    }
  });
  input.addEventListener("blur", function () { results.hidden = true; });
  input.addEventListener("focus", function () { if (input.value.trim()) { renderMatches(); } });

  function choose(id) {
    results.hidden = true;
    ensureVisible(id);
    highlight(id);
    // show the whole neighbourhood, but never zoom in further than labels need
    network.fit({ nodes: focusNodes, animation: false });
    if (network.getScale() > 1.2) {
      network.moveTo({ position: network.getPositions([id])[id], scale: 1.2, animation: false });
    }
  }
  view.search = search;
  view.choose = choose;

  // ---------- opening frame, groups ----------
  function frame(box, margin) {
    var W = container.clientWidth, H = container.clientHeight;
    var w = Math.max(box[2] - box[0], 1), h = Math.max(box[3] - box[1], 1);
    var scale = Math.min(W / (w * margin), H / (h * margin), 1.2);  // a lone node: not 1000x
    network.moveTo({ position: { x: (box[0] + box[2]) / 2, y: (box[1] + box[3]) / 2 },
                     scale: scale, animation: false });
  }
  function opening() { if (data.nodes.length) { frame(data.frame, 1.08); } }
  document.querySelectorAll("#kg-groups button[data-group]").forEach(function (b) {
    b.addEventListener("click", function () {
      var gr = groups[parseInt(b.dataset.group, 10)];
      frame([gr.x - gr.rx, gr.y - gr.ry, gr.x + gr.rx, gr.y + gr.ry], 1.05);
    });
  });
  view.opening = opening;

  // ---------- buttons, keys ----------
  document.getElementById("kg-reset").addEventListener("click", clearHighlight);
  document.getElementById("kg-overview").addEventListener("click", opening);
  document.getElementById("kg-fit").addEventListener("click", function () {
    network.fit({ animation: false });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" && document.activeElement !== input) { clearHighlight(); }
  });

  opening();
  network.once("afterDrawing", function () {
    view.ready = true;
    view.readyAt = performance.now();
    document.body.setAttribute("data-ready", "true");
  });
})();

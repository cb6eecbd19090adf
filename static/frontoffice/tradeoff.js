// Live trade-off preview on the policy page: fetch the expected shares for the
// threshold and attempt limit being typed, before saving, and redraw the chart.
(function () {
  "use strict";
  var box = document.getElementById("tradeoff");
  var form = document.getElementById("policy-form");
  if (!box || !form) return;
  var threshold = form.querySelector("[data-policy=match_threshold]");
  var attempts = form.querySelector("[data-policy=max_attempts]");
  // Liveness on and 'not live' using an attempt add to the genuine blocks.
  var switches = ["liveness_required", "not_live_counts"].map(function (name) {
    return form.querySelector("[data-policy=" + name + "]");
  }).filter(Boolean);
  var chart = document.getElementById("tradeoff-chart");
  var timer = null;
  var seq = 0;
  var NS = "http://www.w3.org/2000/svg";

  function pct(v) {
    return v === null || v === undefined ? "–" : (v * 100).toFixed(2) + "%";
  }

  function el(name, attrs, text) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;
    return node;
  }

  function draw(data) {
    if (!chart) return;
    while (chart.firstChild) chart.removeChild(chart.firstChild);
    var rows = data.by_threshold || [];
    if (!rows.length) return;
    var W = 320, H = 200, L = 34, B = 24, T = 8, R = 16;
    var x0 = rows[0].threshold, x1 = rows[rows.length - 1].threshold;
    function X(t) { return L + (t - x0) / (x1 - x0) * (W - L - R); }
    function Y(v) { return T + (1 - v) * (H - T - B); }
    chart.appendChild(el("line", { x1: L, y1: Y(0), x2: W - R, y2: Y(0), class: "axis" }));
    chart.appendChild(el("line", { x1: L, y1: Y(1), x2: L, y2: Y(0), class: "axis" }));
    [0, 0.5, 1].forEach(function (v) {
      chart.appendChild(el("text", { x: 2, y: Y(v) + 4, class: "tick" }, (v * 100) + "%"));
    });
    [x0, (x0 + x1) / 2, x1].forEach(function (t) {
      chart.appendChild(el("text", { x: X(t), y: H - 6, class: "tick", "text-anchor": "middle" }, t.toFixed(2)));
    });
    ["genuine_blocked", "impostor_accepted", "lookalike_accepted"].forEach(function (key) {
      var pts = rows.filter(function (r) { return r[key] !== null; })
        .map(function (r) { return X(r.threshold).toFixed(1) + "," + Y(r[key]).toFixed(1); });
      if (pts.length) chart.appendChild(el("polyline", { points: pts.join(" "), class: "line " + key }));
    });
    var t = Number(data.threshold);
    chart.appendChild(el("line", { x1: X(t), y1: Y(1), x2: X(t), y2: Y(0), class: "marker" }));
  }

  function show(data) {
    var set = function (id, v) { var n = document.getElementById(id); if (n) n.textContent = pct(v); };
    set("genuine-blocked", data.genuine_blocked);
    set("impostor-accepted", data.impostor_accepted);
    set("lookalike-accepted", data.lookalike_accepted);
    set("genuine-not-live", data.genuine_not_live);
    set("attacks-live", data.attacks_live);
    var suggested = document.getElementById("tradeoff-suggested");
    if (suggested) {
      suggested.hidden = data.suggested_threshold === null;
      if (!suggested.hidden) {
        document.getElementById("suggested-threshold").textContent =
          Number(data.suggested_threshold).toFixed(3);
      }
    }
    var counted = document.getElementById("not-live-counted");
    if (counted) counted.hidden = !data.not_live_counted;
    box.dataset.maxAttempts = data.max_attempts;
    box.dataset.threshold = data.threshold;
    draw(data);
  }

  function refresh() {
    var mine = ++seq;
    var url = box.dataset.url + "?threshold=" + encodeURIComponent(threshold.value) +
      "&max_attempts=" + encodeURIComponent(attempts.value);
    switches.forEach(function (input) {
      url += "&" + input.dataset.policy + "=" + encodeURIComponent(input.value);
    });
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (mine !== seq) return; // an older answer arriving late
        box.classList.toggle("invalid", !res.ok);
        if (res.ok) show(res.body);
      })
      .catch(function () { box.classList.add("invalid"); });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 200);
  }
  threshold.addEventListener("input", later);
  attempts.addEventListener("input", later);
  switches.forEach(function (input) { input.addEventListener("input", later); });
  refresh();
})();

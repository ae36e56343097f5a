// IronRuntime dashboard. No framework, no inline script or style (the page is served with a strict
// Content-Security-Policy): DOM built with createElement/textContent, the chart is SVG drawn here.
"use strict";

(() => {
  const readOnly = document.querySelector('meta[name="ironruntime-readonly"]').content === "true";
  const base = new URL(".", location.href); // the page is {prefix}/: every endpoint is relative to it
  const api = (path) => new URL(path, base);
  const headers = { "X-IronRuntime-Request": "1", "Content-Type": "application/json" };
  const MAX_CALLS = 50;
  const MAX_PII = 50;
  const MAX_ALERTS = 30;
  const BUCKET_SECONDS = { minute: 60, hour: 3600, day: 86400 };
  const BUCKET_COUNT = { minute: 60, hour: 24, day: 30 };

  const state = {
    by: "agent",
    bucket: "minute",
    history: true, // false when the runtime keeps no SQLite state (/spend and /calls answer 404)
    series: new Map(), // bucket start (ms) -> Map(key -> cost)
    keys: [],
    calls: [],
    providers: [],
    providersAt: 0,
  };

  // ---------- formatting ----------
  const usd = (v) => {
    if (v === null || v === undefined) return "none";
    const n = Number(v);
    if (n === 0) return "$0";
    if (Math.abs(n) < 0.01) return "$" + n.toPrecision(2);
    return "$" + n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  };
  const int = (v) => Number(v ?? 0).toLocaleString("en-US");
  const compact = (v) => Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 }).format(Number(v ?? 0));
  const time = (t) => new Date(t).toLocaleTimeString("en-GB", { hour12: false });
  const ms = (v) => (v >= 1000 ? (v / 1000).toFixed(2) + " s" : Math.round(v) + " ms");

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("data-")) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
    return node;
  }

  function svg(tag, attrs) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  function badge(text) {
    return el("span", { class: "badge " + text }, text);
  }

  function budgetBar(spent, limit) {
    const fill = el("div", { class: "bar-fill" });
    if (limit === null || limit === undefined) {
      fill.classList.add("none");
      fill.style.width = "100%";
    } else {
      const ratio = limit > 0 ? spent / limit : 1;
      fill.style.width = Math.min(100, ratio * 100).toFixed(1) + "%";
      if (ratio >= 1) fill.classList.add("bad");
      else if (ratio >= 0.8) fill.classList.add("warn");
    }
    return el("div", { class: "bar" }, fill);
  }

  async function getJson(path) {
    const response = await fetch(api(path), { headers: { Accept: "application/json" }, cache: "no-store" });
    if (response.status === 404 && (path.startsWith("spend") || path.startsWith("calls"))) {
      state.history = false;
      return null;
    }
    if (!response.ok) throw new Error(path + ": HTTP " + response.status);
    return response.json();
  }

  // ---------- totals and global budget ----------
  async function loadMetrics() {
    const m = await getJson("metrics");
    const t = m.totals;
    document.getElementById("kpi-requests").textContent = int(t.requests);
    document.getElementById("kpi-errors").textContent = int(t.errors);
    document.getElementById("kpi-tokens").textContent = compact(t.inputTokens + t.outputTokens);
    document.getElementById("kpi-tokens-split").textContent = compact(t.inputTokens) + " in · " + compact(t.outputTokens) + " out";
    document.getElementById("kpi-denied").textContent = int(t.deniedRequests);
    document.getElementById("kpi-pii").textContent = int(t.piiDetections);

    const b = m.budget;
    document.getElementById("budget-spent").textContent = usd(b.spent);
    document.getElementById("budget-limit").textContent = b.limit === null ? "no limit" : usd(b.limit);
    document.getElementById("budget-reserved").textContent = usd(b.reserved);
    document.getElementById("budget-remaining").textContent = b.remaining === null ? "unlimited" : usd(b.remaining);
    const fill = document.getElementById("budget-fill");
    const ratio = b.limit ? (b.spent + b.reserved) / b.limit : 0;
    fill.className = "bar-fill" + (b.limit === null ? " none" : ratio >= 1 ? " bad" : ratio >= 0.8 ? " warn" : "");
    fill.style.width = (b.limit === null ? 100 : Math.min(100, ratio * 100)).toFixed(1) + "%";
    const ticks = document.getElementById("budget-thresholds");
    ticks.replaceChildren(...(b.limit === null ? [] : m.alertThresholds.map((th) => {
      const tick = el("span", { class: "tick" + (b.spent >= th * b.limit ? " crossed" : "") }, Math.round(th * 100) + "%");
      tick.style.left = Math.min(100, th * 100) + "%";
      return tick;
    })));
  }

  // ---------- agents ----------
  async function loadAgents() {
    const agents = await getJson("agents");
    const body = document.querySelector("#agents tbody");
    body.replaceChildren(...agents.map((a) => {
      const m = a.metrics;
      const row = el("tr", { "data-agent": a.agentId },
        el("td", {}, el("div", {}, a.name || a.agentId), a.name && a.name !== a.agentId ? el("div", { class: "muted small mono" }, a.agentId) : ""),
        el("td", { "data-col": "status" }, badge(a.status)),
        el("td", {}, el("div", { class: "budget-cell" }, budgetBar(m.budgetSpent, m.budgetLimit),
          el("span", { class: "budget-text" }, usd(m.budgetSpent) + " / " + (m.budgetLimit === null ? "no limit" : usd(m.budgetLimit))))),
        el("td", { class: "num" }, compact(m.inputTokens) + " / " + compact(m.outputTokens)),
        el("td", { class: "num" }, int(m.requests)),
        el("td", { class: "num" }, int(m.deniedRequests)),
        el("td", { class: "num" }, int(m.piiDetections)),
        el("td", { class: "controls num" }, readOnly ? "" : budgetButton(a), readOnly ? "" : stopButton(a)));
      return row;
    }));
    document.getElementById("agents-empty").hidden = agents.length > 0;
    document.getElementById("agents-count").textContent = agents.length ? agents.filter((a) => a.status === "Running").length + " running · " + agents.length + " total" : "";
  }

  function budgetButton(agent) {
    const button = el("button", { type: "button", class: "btn btn-budget", title: "Set this agent's budget" }, "Budget");
    button.setAttribute("data-budget", agent.agentId);
    button.addEventListener("click", async () => {
      const current = agent.metrics.budgetLimit;
      const text = window.prompt("Budget for " + agent.agentId + " in USD (empty for none)", current === null ? "" : String(current));
      if (text === null) return;
      const limit = text.trim() === "" ? null : Number(text);
      if (limit !== null && !(limit >= 0)) return;
      const response = await fetch(api("budget"), { method: "POST", headers, body: JSON.stringify({ agentId: agent.agentId, limit }) });
      if (!response.ok) report("budget change refused: HTTP " + response.status);
      refreshSoon();
    });
    return button;
  }

  function stopButton(agent) {
    const running = agent.status === "Running" || agent.status === "Starting";
    const button = el("button", { type: "button", class: "btn btn-stop", disabled: !running, title: running ? "Stop this agent" : "Not running" }, "Stop");
    button.setAttribute("data-stop", agent.agentId);
    button.addEventListener("click", async () => {
      button.disabled = true;
      button.textContent = "Stopping…";
      try {
        const response = await fetch(api("agents/" + encodeURIComponent(agent.agentId) + "/stop"), { method: "POST", headers });
        if (!response.ok) throw new Error("HTTP " + response.status);
      } catch (e) {
        button.textContent = "Failed";
        console.warn("stop failed", e);
      }
      refreshSoon();
    });
    return button;
  }

  // ---------- providers ----------
  async function loadProviders() {
    state.providers = await getJson("providers");
    state.providersAt = Date.now();
    renderProviders();
  }

  function renderProviders() {
    const list = document.getElementById("providers");
    list.replaceChildren(...state.providers.map((p) => {
      let retry = "";
      if (p.retryAfterSeconds !== null && p.retryAfterSeconds !== undefined && p.state !== "Closed") {
        const left = Math.max(0, Math.ceil(p.retryAfterSeconds - (Date.now() - state.providersAt) / 1000));
        retry = "retry in " + left + " s";
      }
      return el("li", { "data-provider": p.endpoint },
        el("span", { class: "name" }, p.endpoint),
        el("span", { class: "muted small" }, p.provider),
        el("span", { class: "muted small" }, retry),
        badge(p.state));
    }));
  }

  // ---------- calls ----------
  function callRow(c, fresh) {
    return el("tr", { class: fresh ? "fresh" : "", "data-call-agent": c.agentId ?? "" },
      el("td", { class: "mono" }, time(c.timestamp)),
      el("td", {}, c.agentId ?? "—"),
      el("td", { class: "mono" }, c.model),
      el("td", { class: "num" }, int(c.inputTokens) + " / " + int(c.outputTokens)),
      el("td", { class: "num" }, usd(c.cost)),
      el("td", { class: "num" }, ms(c.durationMs)),
      el("td", {}, badge(c.outcome)));
  }

  function renderCalls(freshCount) {
    const body = document.querySelector("#calls tbody");
    body.replaceChildren(...state.calls.map((c, i) => callRow(c, i < freshCount)));
    document.getElementById("calls-empty").hidden = state.calls.length > 0;
  }

  async function loadCalls() {
    const page = await getJson("calls?limit=" + MAX_CALLS);
    if (page) {
      state.calls = page.calls;
      renderCalls(0);
    }
  }

  // ---------- PII audit ----------
  async function loadPii() {
    const events = await getJson("audit");
    const rows = events.slice(-MAX_PII).reverse().map((e) => el("tr", {},
      el("td", { class: "mono" }, time(e.timestamp)),
      el("td", {}, el("span", { class: "badge" }, e.entityType)),
      el("td", {}, e.direction),
      el("td", {}, e.agentId ?? "—"),
      el("td", {}, e.mode)));
    document.querySelector("#pii tbody").replaceChildren(...rows);
    document.getElementById("pii-empty").hidden = rows.length > 0;
  }

  // ---------- spend chart ----------
  function bucketStart(t) {
    const size = BUCKET_SECONDS[state.bucket] * 1000;
    return Math.floor(t / size) * size;
  }

  function addPoint(series, keys, bucketMs, key, cost) {
    const k = key ?? "(none)";
    let b = series.get(bucketMs);
    if (!b) series.set(bucketMs, (b = new Map()));
    b.set(k, (b.get(k) ?? 0) + Number(cost));
    if (!keys.includes(k)) keys.push(k);
  }

  async function loadSpend() {
    // Built aside and swapped in whole, so overlapping loads never add the same points twice.
    const series = new Map();
    const keys = [];
    const spend = await getJson("spend?by=" + state.by + "&bucket=" + state.bucket);
    if (spend) {
      for (const p of spend.points) addPoint(series, keys, Date.parse(p.bucket), p.key, p.cost);
    } else {
      for (const c of state.calls) addPoint(series, keys, bucketStart(Date.parse(c.timestamp)), state.by === "agent" ? c.agentId : c.model, c.cost);
    }
    state.series = series;
    state.keys = keys;
    document.getElementById("chart-note").textContent = state.history
      ? ""
      : "Live only: this runtime keeps no history (configure UseSqliteState to see earlier spend).";
    drawChart();
  }

  function drawChart() {
    const host = document.getElementById("chart");
    const width = Math.max(300, host.clientWidth || 600);
    const height = Math.max(160, host.clientHeight || 240);
    const pad = { left: 56, right: 8, top: 10, bottom: 22 };
    const size = BUCKET_SECONDS[state.bucket] * 1000;
    const count = BUCKET_COUNT[state.bucket];
    const end = bucketStart(Date.now()) + size;
    const start = end - count * size;
    const buckets = [];
    for (let t = start; t < end; t += size) buckets.push(t);
    const totals = buckets.map((t) => [...(state.series.get(t)?.values() ?? [])].reduce((a, b) => a + b, 0));
    const max = Math.max(...totals, 0);
    const top = max > 0 ? niceCeiling(max) : 1;
    const plotW = width - pad.left - pad.right;
    const plotH = height - pad.top - pad.bottom;
    const barW = plotW / count;

    const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "Spend per " + state.bucket + " per " + state.by });
    for (let i = 0; i <= 4; i++) {
      const y = pad.top + plotH - (plotH * i) / 4;
      root.append(svg("line", { class: i === 0 ? "axis" : "grid", x1: pad.left, x2: width - pad.right, y1: y, y2: y }));
      const label = svg("text", { x: pad.left - 6, y: y + 3, "text-anchor": "end" });
      label.textContent = max > 0 || i === 0 ? usd((top * i) / 4) : "";
      root.append(label);
    }
    const labelEvery = Math.ceil(count / Math.max(2, Math.floor(plotW / 70)));
    buckets.forEach((t, i) => {
      const x = pad.left + i * barW;
      let y = pad.top + plotH;
      const values = state.series.get(t);
      if (values) {
        state.keys.forEach((key, k) => {
          const v = values.get(key);
          if (!v) return;
          const h = Math.max(1, (v / top) * plotH);
          y -= h;
          const rect = svg("rect", { class: "c" + (k % 8), x: x + 1, y, width: Math.max(1, barW - 2), height: h, "data-key": key, "data-bucket": new Date(t).toISOString(), "data-cost": v });
          const tip = svg("title", {});
          tip.textContent = key + " · " + new Date(t).toLocaleString("en-GB") + " · " + usd(v);
          rect.append(tip);
          root.append(rect);
        });
      }
      if (i % labelEvery === 0) {
        const label = svg("text", { x: x + barW / 2, y: height - 6, "text-anchor": "middle" });
        const d = new Date(t);
        label.textContent = state.bucket === "day" ? d.toLocaleDateString("en-GB", { day: "2-digit", month: "short" }) : d.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", hour12: false });
        root.append(label);
      }
    });
    host.replaceChildren(root);
    document.getElementById("legend").replaceChildren(...state.keys.map((key, k) =>
      el("span", { class: "legend-item" }, el("span", { class: "swatch c" + (k % 8) }), key)));
  }

  function niceCeiling(v) {
    const exp = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * exp >= v) return m * exp;
    return 10 * exp;
  }

  // ---------- live events ----------
  let refreshTimer = 0;
  function refreshSoon() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(async () => {
      refreshTimer = 0;
      await Promise.all([loadAgents(), loadMetrics(), loadPii()]).catch(report);
      stamp();
    }, 150);
  }

  function onEvent(e) {
    switch (e.type) {
      case "call.completed": {
        const call = { timestamp: e.timestamp, agentId: e.agentId, model: e.model, inputTokens: e.inputTokens, outputTokens: e.outputTokens, cost: e.cost, durationMs: e.durationMs, outcome: e.outcome };
        state.calls.unshift(call);
        state.calls.length = Math.min(state.calls.length, MAX_CALLS);
        renderCalls(1);
        addPoint(state.series, state.keys, bucketStart(Date.parse(e.timestamp)), state.by === "agent" ? e.agentId : e.model, e.cost);
        drawChart();
        refreshSoon();
        break;
      }
      case "agent.status":
        refreshSoon();
        break;
      case "provider.state":
        loadProviders().catch(report);
        break;
      case "budget.alert": {
        const pct = Math.round(e.threshold * 100);
        const who = e.agentId ? "Agent " + e.agentId : "Global budget";
        const item = el("li", { class: e.threshold >= 1 ? "bad" : "" }, el("strong", {}, who + " crossed " + pct + "%"), " — " + usd(e.spent) + " of " + usd(e.limit) + " · " + time(e.timestamp));
        const list = document.getElementById("alerts");
        list.prepend(item);
        while (list.children.length > MAX_ALERTS) list.lastChild.remove();
        document.getElementById("alerts-empty").hidden = true;
        refreshSoon();
        break;
      }
    }
  }

  let retryDelay = 500;
  function connect() {
    const url = api("events");
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    const pill = document.getElementById("connection");
    socket.addEventListener("open", () => {
      retryDelay = 500;
      pill.className = "pill pill-live";
      pill.textContent = "Live";
      refreshAll();
    });
    socket.addEventListener("message", (m) => {
      try { onEvent(JSON.parse(m.data)); } catch (err) { report(err); }
    });
    socket.addEventListener("close", () => {
      pill.className = "pill pill-down";
      pill.textContent = "Reconnecting…";
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    });
  }

  function report(err) {
    console.warn("IronRuntime dashboard:", err);
  }

  function stamp() {
    document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB", { hour12: false });
  }

  async function refreshAll() {
    await Promise.all([loadMetrics(), loadAgents(), loadProviders(), loadCalls(), loadPii(), loadSpend()]).catch(report);
    stamp();
  }

  // ---------- controls ----------
  for (const button of document.querySelectorAll(".seg")) {
    button.addEventListener("click", () => {
      const group = button.dataset.by ? "by" : "bucket";
      for (const b of button.parentElement.children) b.classList.toggle("active", b === button);
      state[group] = button.dataset[group];
      loadSpend().catch(report);
    });
  }

  if (!readOnly) {
    const form = document.getElementById("budget-form");
    form.hidden = false;
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const text = document.getElementById("budget-input").value.trim();
      const limit = text === "" ? null : Number(text);
      const response = await fetch(api("budget"), { method: "POST", headers, body: JSON.stringify({ agentId: null, limit }) });
      if (!response.ok) report("budget change refused: HTTP " + response.status);
      loadMetrics().catch(report);
    });
  } else {
    for (const node of document.querySelectorAll(".controls")) node.hidden = true;
  }

  setInterval(() => { renderProviders(); }, 1000);
  setInterval(() => { refreshAll(); }, 15000);
  window.addEventListener("resize", () => drawChart());
  refreshAll();
  connect();
})();

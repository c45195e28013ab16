// The floor's big screen. Figures come from the server over a websocket (one engine feeds
// every tab); waits and the clock tick here between pushes, from their value at the
// server's `now`, on this browser's monotonic clock (performance.now), so a wrong clock
// on the TV cannot move them. Text goes in with textContent only, never as HTML.
"use strict";
(function () {
  const L = JSON.parse(document.getElementById("labels").textContent);
  const board = document.getElementById("board");
  const banner = document.getElementById("banner");
  const clockEl = document.getElementById("clock");
  const feedEl = document.getElementById("feed");
  const STALE_MS = 12 * 1000;  // (no 5-digit literal: nothing the board serves holds a run of 5 digits)
  let data = null, receivedAt = 0, retry = 1000, cards = new Map();

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fig(field, label) {
    const f = el("div", "fig");
    f.dataset.field = field;
    f.append(el("div", "label", label));
    const v = el("div", "value", "—");
    v.dataset.value = field;
    f.append(v);
    f.append(el("div", "sub", ""));
    return f;
  }
  function card(name) {
    const c = el("section", "card");
    c.dataset.queue = name;
    c.append(el("h2", "", name));
    const figs = el("div", "figures");
    figs.append(fig("waiting", L.waiting), fig("longest_wait", L.longest_wait),
                fig("service_level", L.service_level), fig("abandon_rate", L.abandon_rate));
    const agents = el("div", "agents");
    agents.append(fig("available", L.available), fig("on_call", L.on_call),
                  fig("wrap_up", L.wrap_up), fig("paused", L.paused));
    c.append(figs, agents);
    const names = el("div", "names");
    names.dataset.field = "names";
    c.append(names);
    return c;
  }
  function set(c, field, value, cls, sub, unit) {
    const f = c.querySelector('[data-field="' + field + '"]');
    const v = f.querySelector(".value");
    v.textContent = value;
    if (unit) v.dataset.unit = unit; else delete v.dataset.unit;
    f.className = "fig" + (cls ? " " + cls : "");
    if (sub !== undefined) f.querySelector(".sub").textContent = sub;
  }
  function pct(v) { return v === null ? "—" : v.toFixed(1); }
  function mmss(s) {
    s = Math.max(0, Math.floor(s));
    const h = Math.floor(s / 3600), m = Math.floor(s / 60) % 60, sec = s % 60;
    const mm = (h ? String(m).padStart(2, "0") : String(m));
    return (h ? h + ":" : "") + mm + ":" + String(sec).padStart(2, "0");
  }
  function elapsed() { return (performance.now() - receivedAt) / 1000; }

  function render() {
    feedEl.textContent = L["feed." + data.feed] || data.feed;
    feedEl.className = data.feed === "live" ? "" : "problem";
    const seen = new Set();
    for (const q of data.queues) {
      let c = cards.get(q.name);
      if (!c) { c = card(q.name); cards.set(q.name, c); }
      board.append(c);  // keeps the server's order
      seen.add(q.name);
      set(c, "waiting", String(q.waiting), "");
      set(c, "service_level", pct(q.service_level), q.service_level === null ? "" : (q.sl_alert ? "alert" : "ok"),
          L.target + " " + data.targets.sl_pct + "%", q.service_level === null ? "" : "%");
      set(c, "abandon_rate", pct(q.abandon_rate), q.abandon_alert ? "alert" : "",
          L.target + " ≤ " + data.targets.abandon_pct + "%", q.abandon_rate === null ? "" : "%");
      set(c, "available", String(q.available), "");
      set(c, "on_call", String(q.on_call), "");
      set(c, "wrap_up", String(q.wrap_up), "");
      set(c, "paused", String(q.paused), "");
      const names = c.querySelector('[data-field="names"]');
      names.replaceChildren();
      for (const a of (q.agents || [])) {
        names.append(el("span", a.state, a.name + " · " + (L["state." + a.state] || a.state)));
      }
    }
    for (const [name, c] of cards) {
      if (!seen.has(name)) { c.remove(); cards.delete(name); }
    }
    if (!data.queues.length) {
      board.replaceChildren(el("div", "empty", L.no_queues));
    } else {
      const empty = board.querySelector(".empty");
      if (empty) empty.remove();
    }
    tick();
  }

  // Between pushes: the longest waits and the clock move on; the wait turns red at the
  // apology threshold, the same rule as floorconsole.rules.is_past_apology.
  function tick() {
    if (!data) return;
    const dt = elapsed();
    for (const q of data.queues) {
      const c = cards.get(q.name);
      if (!c) continue;
      if (q.longest_wait_s === null) {
        set(c, "longest_wait", "—", "");
      } else {
        const w = q.longest_wait_s + dt;
        set(c, "longest_wait", mmss(w), (q.wait_alert || w >= data.targets.apology_s) ? "alert" : "");
      }
    }
    const p = data.now.split(":").map(Number);
    const t = (p[0] * 3600 + p[1] * 60 + p[2] + Math.floor(dt)) % (24 * 3600);
    clockEl.textContent = [Math.floor(t / 3600), Math.floor(t / 60) % 60, t % 60]
      .map(n => String(n).padStart(2, "0")).join(":");
    const stale = performance.now() - receivedAt > STALE_MS;
    board.classList.toggle("stale", stale);
    if (stale) { banner.textContent = L.disconnected; banner.hidden = false; }
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + "/ws" + location.search);
    ws.onmessage = function (e) {
      data = JSON.parse(e.data);
      receivedAt = performance.now();
      retry = 1000;
      banner.hidden = true;
      render();
    };
    ws.onclose = function () {
      banner.textContent = L.disconnected;
      banner.hidden = false;
      board.classList.add("stale");
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10 * 1000);
    };
  }
  setInterval(tick, 250);
  connect();
})();

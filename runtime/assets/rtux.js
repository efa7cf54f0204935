// rtux.js: the browser client of rtux. Plain JavaScript, no dependencies.
// Speaks Phoenix Channels V2 to an rtux endpoint; drives the server-rendered
// components (banner, presence) through data attributes. See docs/client.md.
(() => {
  "use strict";
  const SCRIPT = document.currentScript;
  const BANNER_AFTER = 2000, EXTENDED_AFTER = 15000, HEARTBEAT = 30000;
  const TYPING_EVERY = 500, IDLE_AFTER = 60000, REFRESH_EVERY = 20000, CURSOR_EVERY = 100;
  const SHOWN = 5;
  const $$ = (root, sel) => Array.from(root.querySelectorAll(sel));
  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  };

  // A token's claims (`sub`, `exp`); display only — the server decides identity.
  const claimsOf = (token) => {
    try {
      const b = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(b));
    } catch (_) { return {}; }
  };

  class Channel {
    constructor(socket, topic, params) {
      Object.assign(this, { socket, topic, params, handlers: {}, joinRef: null, joined: false });
    }
    on(event, fn) {
      (this.handlers[event] ||= []).push(fn);
      // A view that shares a channel already joined still hears of the join.
      if (event === "joined" && this.joined) queueMicrotask(() => fn(this.joinedWith));
      return this;
    }
    emit(event, payload) { (this.handlers[event] || []).forEach((fn) => fn(payload)); }
    join() {
      this.joinRef = this.socket.ref();
      this.joined = false;
      return this.socket.send([this.joinRef, this.joinRef, this.topic, "phx_join", this.params])
        .then((reply) => {
          this.joined = reply.status === "ok";
          this.joinedWith = reply.response;
          this.emit(this.joined ? "joined" : "refused", reply.response);
          return reply;
        });
    }
    push(event, payload) {
      if (!this.joined) return Promise.resolve({ status: "error", response: { reason: "not connected" } });
      return this.socket.send([this.joinRef, this.socket.ref(), this.topic, event, payload]);
    }
  }

  class Socket {
    constructor(root) {
      this.root = root;
      this.token = root.dataset.rtuxToken || "";
      this.me = claimsOf(this.token).sub || null;
      const base = (root.dataset.rtuxSocket || "/socket").replace(/\/$/, "");
      this.base = `${/^wss?:/.test(base) ? base : location.origin.replace(/^http/, "ws") + base}/websocket?vsn=2.0.0&token=`;
      Object.assign(this, { channels: [], pending: new Map(), next: 0, tries: 0, ws: null, version: null, downSince: null, listeners: [] });
    }
    ref() { this.next += 1; return String(this.next); }
    onState(fn) { this.listeners.push(fn); }
    // One channel per topic: views of one topic (its records, its presence) share it.
    channel(topic, params = {}) {
      const found = this.channels.find((c) => c.topic === topic);
      if (found) return found;
      const ch = new Channel(this, topic, params);
      this.channels.push(ch);
      if (this.isOpen()) ch.join();
      return ch;
    }
    isOpen() { return this.ws && this.ws.readyState === WebSocket.OPEN; }
    send(frame) {
      return new Promise((resolve) => {
        if (!this.isOpen()) return resolve({ status: "error", response: { reason: "not connected" } });
        this.pending.set(frame[1], resolve);
        this.ws.send(JSON.stringify(frame));
        setTimeout(() => { if (this.pending.delete(frame[1])) resolve({ status: "timeout", response: {} }); }, 10000);
      });
    }
    // A token that has expired (or will within 5 s) is renewed first, from the
    // page's `data-rtux-token-url`, instead of reconnecting with a dead one.
    async fresh() {
      const exp = claimsOf(this.token).exp;
      if (!exp || exp * 1000 > Date.now() + 5000) return true;
      const url = this.root.dataset.rtuxTokenUrl;
      if (!url) return false;
      try {
        const r = await fetch(url, { credentials: "same-origin", cache: "no-store" });
        const { token } = await r.json();
        if (claimsOf(token).sub !== this.me) return false;
        this.token = token;
        return true;
      } catch (_) { return false; }
    }
    async connect() {
      if (!(await this.fresh())) {
        // Signed out, or no way to renew: the page must be reloaded.
        this.setState("error");
        return setTimeout(() => this.connect(), 5000);
      }
      const ws = new WebSocket(this.base + encodeURIComponent(this.token));
      this.ws = ws;
      let opened = false;
      ws.onopen = () => {
        opened = true;
        this.tries = 0;
        this.setState("connected");
        this.channels.forEach((ch) => ch.join());
        this.beat = setInterval(() => this.send([null, this.ref(), "phoenix", "heartbeat", {}]), HEARTBEAT);
        this.checkVersion();
      };
      ws.onmessage = (m) => this.receive(JSON.parse(m.data));
      ws.onclose = (e) => {
        // Closed at the token's expiry (4001): renew it and come back at once.
        if (e.code === 4001) this.tries = 0;
        clearInterval(this.beat);
        this.pending.forEach((resolve) => resolve({ status: "error", response: { reason: "disconnected" } }));
        this.pending.clear();
        this.channels.forEach((ch) => { ch.joined = false; });
        this.setState(opened ? "disconnected" : "error");
        // Fast first tries, then back off to 5 s, each with ±20% jitter.
        const delay = Math.min(5000, [100, 500, 1000, 2000, 3000][this.tries] || 5000) * (0.8 + Math.random() * 0.4);
        this.tries += 1;
        setTimeout(() => this.connect(), delay);
      };
    }
    receive([joinRef, ref, topic, event, payload]) {
      if (event === "phx_reply" && this.pending.has(ref)) {
        const resolve = this.pending.get(ref);
        this.pending.delete(ref);
        return resolve(payload);
      }
      this.channels
        .filter((ch) => ch.topic === topic && (joinRef === null || joinRef === ch.joinRef))
        .forEach((ch) => ch.emit(event, payload));
    }
    // Connection classes, data-requires-connection, and the delayed banners.
    setState(state) {
      const r = this.root;
      ["connected", "disconnected", "error"].forEach((s) => r.classList.toggle(`rtux-${s}`, s === state));
      this.listeners.forEach((fn) => fn(state));
      const up = state === "connected";
      $$(r, "[data-requires-connection]").forEach((e) => { e.disabled = !up; e.toggleAttribute("aria-disabled", !up); });
      clearTimeout(this.bannerTimer);
      clearTimeout(this.extendedTimer);
      const banner = r.querySelector("[data-rtux-banner]");
      if (up) {
        this.downSince = null;
        if (banner) { banner.hidden = true; banner.classList.remove("rtux-banner--extended"); }
        return;
      }
      if (this.downSince === null) this.downSince = Date.now();
      const since = Date.now() - this.downSince;
      if (!banner) return;
      this.bannerTimer = setTimeout(() => { banner.hidden = false; }, Math.max(0, BANNER_AFTER - since));
      this.extendedTimer = setTimeout(() => banner.classList.add("rtux-banner--extended"), Math.max(0, EXTENDED_AFTER - since));
    }
    // "A new version is available" when the assets changed across a reconnect.
    checkVersion() {
      fetch("/_rtux/version", { cache: "no-store" }).then((r) => r.json()).then(({ assets }) => {
        if (this.version === null) this.version = assets;
        const notice = this.root.querySelector("[data-rtux-new-version]");
        if (notice && assets !== this.version) notice.hidden = false;
      }).catch(() => {});
    }
  }

  // Words for presence, as the runtime's helpers say them.
  // `n`: how many are typing, when a summary names only some of them.
  const typingText = (names, n = names.length) =>
    names.length === 0 || n === 0 ? "" :
    n === 1 ? `${names[0]} is typing` :
    n === 2 && names.length === 2 ? `${names[0]} and ${names[1]} are typing` :
    `${names[0]} and ${n - 1} others are typing`;
  const viewingText = (n) => (n === 1 ? "1 person viewing" : `${n} people viewing`);

  // Presence: state synced from presence_state / presence_diff (by phx_ref), or
  // in a large room from presence_summary (a count, the first users, who types).
  class PresenceView {
    constructor(socket, root) {
      this.socket = socket;
      this.root = root;
      this.state = {};
      this.summary = null;
      this.channel = socket.channel(root.dataset.rtuxPresence, {});
      const load = (s) => {
        this.state = {};
        Object.entries(s).forEach(([k, v]) => { this.state[k] = v.metas; });
      };
      this.channel.on("presence_state", (s) => { this.summary = null; load(s); this.render(); });
      this.channel.on("presence_summary", ({ count, typing, presences }) => {
        this.summary = { count, typing };
        load(presences);
        this.render();
      });
      this.channel.on("presence_diff", ({ joins, leaves }) => {
        if (this.summary) return;
        Object.entries(joins).forEach(([k, v]) => {
          const refs = new Set(v.metas.map((m) => m.phx_ref));
          this.state[k] = (this.state[k] || []).filter((m) => !refs.has(m.phx_ref)).concat(v.metas);
        });
        Object.entries(leaves).forEach(([k, v]) => {
          const refs = new Set(v.metas.map((m) => m.phx_ref));
          this.state[k] = (this.state[k] || []).filter((m) => !refs.has(m.phx_ref));
          if (this.state[k].length === 0) delete this.state[k];
        });
        this.render();
      });
      this.wireInputs();
      this.wireActivity();
      if (root.hasAttribute("data-rtux-cursors")) this.wireCursors();
    }
    send(event, payload = {}) { return this.channel.push(`presence:${event}`, payload); }
    // The app's fields this view speaks for: all of them, or those naming its topic.
    mine(node) {
      const f = node && node.closest && node.closest("[data-rtux-field]");
      return f && (!f.dataset.rtuxTopic || f.dataset.rtuxTopic === this.channel.topic) ? f : null;
    }
    fields() { return $$(this.socket.root, "[data-rtux-field]").filter((f) => this.mine(f)); }
    people() {
      return Object.entries(this.state).map(([key, metas]) => ({
        key, ...metas[0],
        typing: metas.some((m) => m.typing),
        fields: metas.map((m) => m.active_field).filter(Boolean),
        cursors: metas.map((m) => m.cursor).filter(Boolean),
      }));
    }
    render() {
      const people = this.people();
      const others = people.filter((p) => p.key !== this.socket.me);
      const total = this.summary ? this.summary.count : people.length;
      const stack = this.root.querySelector("[data-rtux-avatars]");
      if (stack) this.renderAvatars(stack, people, total);
      const viewing = this.root.querySelector("[data-rtux-viewing]");
      if (viewing) viewing.textContent = viewingText(total);
      const typing = this.root.querySelector("[data-rtux-typing]");
      if (typing) {
        const names = others.filter((p) => p.typing).map((p) => p.name || p.key);
        const meTyping = people.some((p) => p.key === this.socket.me && p.typing);
        const text = typingText(names, this.summary ? this.summary.typing - (meTyping ? 1 : 0) : names.length);
        typing.replaceChildren();
        if (text) {
          const dots = el("span", "rtux-dots");
          dots.append(el("span"), el("span"), el("span"));
          typing.append(dots, el("span", "rtux-typing__text", text));
        }
      }
      this.fields().forEach((input) => {
        const field = input.dataset.rtuxField;
        const holder = input.parentElement.querySelector(`[data-rtux-badges="${CSS.escape(field)}"]`) ||
          (() => { const b = el("span", "rtux-field-badges"); b.dataset.rtuxBadges = field; input.after(b); return b; })();
        holder.replaceChildren(...others.filter((p) => p.fields.includes(field)).map((p) => {
          const badge = el("span", "rtux-field-badge", (p.name || p.key).split(" ")[0]);
          badge.style.setProperty("--rtux-color", p.color);
          return badge;
        }));
      });
      if (this.cursorLayer) this.renderCursors(others);
    }
    renderAvatars(stack, people, total) {
      const wanted = people.slice(0, SHOWN);
      const keep = new Set(wanted.map((p) => p.key));
      $$(stack, ".rtux-avatar[data-user]").forEach((a) => {
        if (keep.has(a.dataset.user) || a.classList.contains("rtux-avatar--leaving")) return;
        a.classList.add("rtux-avatar--leaving");
        setTimeout(() => a.remove(), 300);
      });
      wanted.forEach((p) => {
        let a = $$(stack, ".rtux-avatar[data-user]").find((x) => x.dataset.user === p.key && !x.classList.contains("rtux-avatar--leaving"));
        if (!a) { a = el("span", "rtux-avatar"); a.dataset.user = p.key; stack.append(a); }
        const name = p.name || p.key;
        a.textContent = name.slice(0, 1).toUpperCase();
        a.title = name;
        a.style.setProperty("--rtux-color", p.color);
        a.classList.toggle("rtux-avatar--idle", p.status === "idle");
        a.classList.toggle("rtux-avatar--stale", !!p.stale);
      });
      let more = stack.querySelector(".rtux-avatar--more");
      if (total > SHOWN) {
        if (!more) { more = el("span", "rtux-avatar rtux-avatar--more"); stack.append(more); }
        more.textContent = `+${total - SHOWN}`;
      } else if (more) more.remove();
    }
    wireInputs() {
      let lastTyping = 0, trailing = null;
      const app = this.socket.root;
      app.addEventListener("focusin", (e) => {
        const f = this.mine(e.target);
        if (f) this.send("focus", { field: f.dataset.rtuxField });
      });
      app.addEventListener("focusout", (e) => {
        if (this.mine(e.target)) { clearTimeout(trailing); trailing = null; this.send("blur"); this.send("stop_typing"); lastTyping = 0; }
      });
      // At most one typing event per 500 ms, the last keystroke always covered:
      // the indicator then clears 3 s (server TTL) after the user stops.
      app.addEventListener("input", (e) => {
        if (!this.mine(e.target)) return;
        const wait = TYPING_EVERY - (Date.now() - lastTyping);
        if (wait <= 0) { lastTyping = Date.now(); this.send("typing"); }
        else if (!trailing) trailing = setTimeout(() => { trailing = null; lastTyping = Date.now(); this.send("typing"); }, wait);
      });
    }
    wireActivity() {
      let idle = false, timer;
      const active = () => {
        if (idle) { idle = false; this.send("status", { status: "active" }); }
        clearTimeout(timer);
        timer = setTimeout(() => { idle = true; this.send("status", { status: "idle" }); }, Number(this.socket.root.dataset.rtuxIdleMs) || IDLE_AFTER);
      };
      ["mousemove", "keydown", "scroll", "touchstart", "pointerdown"].forEach((ev) => window.addEventListener(ev, active, { passive: true }));
      active();
      setInterval(() => { if (!document.hidden) this.send("refresh"); }, REFRESH_EVERY);
    }
    wireCursors() {
      this.cursorLayer = el("div", "rtux-cursors");
      this.root.append(this.cursorLayer);
      let last = 0, held = null, timer = null;
      const flush = () => { clearTimeout(timer); timer = null; last = Date.now(); if (held) { this.send("cursor", held); held = null; } };
      this.root.addEventListener("pointermove", (e) => {
        const box = this.root.getBoundingClientRect();
        held = { x: Math.round(e.clientX - box.left), y: Math.round(e.clientY - box.top) };
        const wait = CURSOR_EVERY - (Date.now() - last);
        if (wait <= 0) flush(); else if (!timer) timer = setTimeout(flush, wait);
      });
    }
    renderCursors(others) {
      this.cursorLayer.replaceChildren(...others.flatMap((p) => p.cursors.map((c) => {
        const m = el("span", "rtux-cursor", p.name || p.key);
        m.style.setProperty("--rtux-color", p.color);
        m.style.transform = `translate(${Number(c.x) || 0}px, ${Number(c.y) || 0}px)`;
        return m;
      })));
    }
  }


  // ---- Toasts -------------------------------------------------------------
  const toast = (root, text, opts = {}) => {
    let box = root.querySelector("[data-rtux-toasts]");
    if (!box) { box = el("div", "rtux-toasts"); box.dataset.rtuxToasts = ""; box.setAttribute("role", "status"); root.append(box); }
    const t = el("div", `rtux-toast${opts.error ? " rtux-toast--error" : ""}`);
    t.append(el("span", "rtux-toast__text", text));
    box.append(t);
    const done = () => t.remove();
    if (!opts.keep) setTimeout(done, opts.ms || 4000);
    return { el: t, done };
  };

  // ---- Optimistic commands: applied at once, undone on reject -------------
  // [["add_class"|"remove_class"|"toggle_class", cls, sel?], ["set_attr", name, value, sel?],
  //  ["show", sel?], ["hide", sel?], ["transition", cls, sel?, ms?]]
  const targets = (origin, sel) => (sel ? $$(document, sel) : [origin.closest("[id]") || origin]);
  const snapshot = (nodes) => nodes.map((n) => ({ n, cls: n.className, hidden: n.hidden, attrs: Array.from(n.attributes).map((a) => [a.name, a.value]) }));
  const restore = (snaps) => snaps.forEach(({ n, cls, hidden, attrs }) => {
    Array.from(n.attributes).forEach((a) => n.removeAttribute(a.name));
    attrs.forEach(([k, v]) => n.setAttribute(k, v));
    n.className = cls;
    n.hidden = hidden;
  });
  const applyCommands = (origin, commands) => {
    const snaps = [];
    for (const [op, a, b, c] of commands) {
      const sel = op === "set_attr" ? c : op === "show" || op === "hide" ? a : b;
      const nodes = targets(origin, sel);
      snaps.push(...snapshot(nodes));
      nodes.forEach((n) => {
        if (op === "add_class") n.classList.add(a);
        else if (op === "remove_class") n.classList.remove(a);
        else if (op === "toggle_class") n.classList.toggle(a);
        // No event handlers, no script URLs: the attribute must stay data.
        else if (op === "set_attr") { if (!/^on/i.test(a) && !/^javascript:/i.test(String(b).replace(/[\u0000-\u0020]/g, ""))) n.setAttribute(a, b); }
        else if (op === "show") n.hidden = false;
        else if (op === "hide") n.hidden = true;
        else if (op === "transition") { n.classList.add(a); setTimeout(() => n.classList.remove(a), c || 300); }
      });
    }
    return () => restore(snaps.reverse());
  };

  // ---- Patches: server fragments by DOM id, keeping what the user is typing --
  // A form's fields, typed: checkboxes as booleans (unchecked too), number
  // inputs as numbers, date-times with their seconds.
  const fields = (f) => {
    const out = {};
    for (const i of f.elements) {
      if (!i.name || i.disabled) continue;
      if (i.type === "checkbox") out[i.name] = i.checked;
      else if (i.type === "radio") { if (i.checked) out[i.name] = i.value; }
      else if (i.type === "number") out[i.name] = i.value === "" ? null : Number(i.value);
      // Browsers drop ":00" seconds; send a full local date-time.
      else if (i.type === "datetime-local") out[i.name] = /T\d\d:\d\d$/.test(i.value) ? `${i.value}:00` : i.value;
      else if (i.type !== "submit" && i.type !== "button") out[i.name] = i.value;
    }
    return out;
  };
  const fragment = (html) => { const t = document.createElement("template"); t.innerHTML = html.trim(); return t.content.firstElementChild; };
  // Replaces `old` with the server's HTML, keeping unsaved edits: each edited
  // field keeps its text (the focused one its caret too), and its form keeps the
  // version the user started from, so a later save merges instead of overwriting.
  const replaceKeepingInput = (old, html) => {
    const next = fragment(html);
    if (!next) return old;
    const active = document.activeElement;
    const focus = active && old.contains(active) && "value" in active ? active : null;
    const caret = focus && [focus.selectionStart, focus.selectionEnd];
    const edited = $$(old, "input,textarea,select").filter((i) => i === focus
      || (i.name && (i.type === "checkbox" ? i.checked !== i.defaultChecked : i.value !== i.defaultValue)));
    old.replaceWith(next);
    for (const i of edited) {
      const key = i.id ? `#${CSS.escape(i.id)}` : i.name ? `[name="${CSS.escape(i.name)}"]` : null;
      const twin = key && (next.matches(key) ? next : next.querySelector(key));
      if (!twin) continue;
      if (i.type === "checkbox") twin.checked = i.checked; else twin.value = i.value;
      if (i.form && twin.form && i.form.dataset.rtuxVersion) twin.form.dataset.rtuxVersion = i.form.dataset.rtuxVersion;
      if (i === focus) { twin.focus(); try { twin.setSelectionRange(caret[0], caret[1]); } catch (_) { /* not a text input */ } }
    }
    return next;
  };
  const highlight = (node) => { node.classList.add("rtux-highlight"); setTimeout(() => node.classList.remove("rtux-highlight"), 1500); };

  // ---- The client's identity and its outbox (survive a reload) -------------
  // Every action is kept, with its op id and the time it was made, from the
  // moment it is taken until its final answer: sent now if connected, replayed
  // on rejoin (also after a reload), retried with backoff after a transient
  // refusal. The server's ledger makes each op apply once.
  const CLIENT = (() => {
    let id = sessionStorage.getItem("rtux:client");
    if (!id) { id = crypto.randomUUID(); sessionStorage.setItem("rtux:client", id); }
    return id;
  })();
  // Keyed by user too: on a shared device one user's work never replays as another's.
  const ME = claimsOf((document.querySelector("[data-rtux-app]") || { dataset: {} }).dataset.rtuxToken || "").sub || "";
  const QUEUE = `rtux:queue:${ME}:${CLIENT}`;
  const FORM = (f) => `rtux:form:${ME}:${f.dataset.rtuxForm}`;
  const queued = () => JSON.parse(localStorage.getItem(QUEUE) || "[]");
  const saveQueue = (q) => localStorage.setItem(QUEUE, JSON.stringify(q));
  const keyOf = (e) => `${e.payload.op}${e.event === "undo" ? "#undo" : ""}`;
  const dequeue = (e) => saveQueue(queued().filter((q) => keyOf(q) !== keyOf(e)));
  // Not an answer yet: the op is sent again, with the same id.
  const offline = (r) => r.status === "error" && ["disconnected", "not connected"].includes(r.response.reason);
  const retryable = (r) => r.status === "timeout" || offline(r)
    || (r.status === "error" && (r.response.retry || r.response.retry_after_ms !== undefined));
  // The version of a record's element, as far as the page can tell.
  const versionOf = (n) => Number(n.dataset.rtuxV ?? n.dataset.rtuxVersion ?? n.querySelector("[data-rtux-version]")?.dataset.rtuxVersion);

  class ResourceView {
    constructor(socket, root) {
      this.socket = socket;
      this.root = root;
      // The topic's records as the server last told (join reply, patches,
      // replies), and the live effects of this page's actions still in flight.
      Object.assign(this, { records: null, live: new Map(), tries: new Map(), restore: new Map(), pages: 1, more: null });
      this.channel = socket.channel(root.dataset.rtuxResource, {});
      this.channel.on("rtux:patch", (p) => this.patch(p));
      this.channel.on("joined", async (r) => {
        root.removeAttribute("data-rtux-updating");
        if (r && Array.isArray(r.records)) {
          // As many pages as the list showed before (after a rejoin), so the
          // list is reconciled over all it shows.
          const records = new Map(r.records.map((x) => [x.id, x]));
          let more = r.more;
          for (let n = 1; more && n < this.pages; n++) {
            const p = await this.channel.push("page", { after: more });
            if (p.status !== "ok") break;
            p.response.records.forEach((x) => records.set(x.id, x));
            more = p.response.more;
          }
          Object.assign(this, { records, more });
          this.reconcile();
        }
        this.replay();
        // Forms tell the server what they hold again (its view was lost with the socket).
        $$(root, "form[data-rtux-change]").forEach((f) => { if (f.dataset.rtuxChanged) this.change(f); });
      });
      root.addEventListener("rtux:loaded", () => this.reconcile());
      // Further pages of a long list, on demand.
      root.addEventListener("click", async (e) => {
        const b = e.target.closest("[data-rtux-more]");
        if (!b || !this.more) return;
        b.disabled = true;
        const p = await this.channel.push("page", { after: this.more });
        b.disabled = false;
        if (p.status !== "ok") return;
        p.response.records.forEach((x) => this.records.set(x.id, x));
        this.more = p.response.more;
        this.pages += 1;
        this.reconcile();
      });
      let changeTimer = null;
      root.addEventListener("input", (e) => {
        const f = e.target.closest && e.target.closest("form[data-rtux-change]");
        if (!f) return;
        f.dataset.rtuxChanged = "1";
        clearTimeout(changeTimer);
        changeTimer = setTimeout(() => this.change(f), 300);
      });
      // Section locks: a form[data-rtux-lock] is locked while focus is in it.
      const lockOf = (f) => ({ id: f.dataset.rtuxId, section: f.dataset.rtuxLock });
      const lockForms = (p) => $$(root, `form[data-rtux-lock="${CSS.escape(p.section)}"][data-rtux-id="${CSS.escape(p.id)}"]`);
      let renew = null;
      root.addEventListener("focusin", (e) => {
        const f = e.target.closest("form[data-rtux-lock]");
        if (!f || f.dataset.rtuxHeld || f.dataset.rtuxLockedBy) return;
        f.dataset.rtuxHeld = "1";
        const take = () => this.channel.push("lock", lockOf(f)).then((r) => {
          const why = r.status === "error" ? r.response.reason || "" : "";
          // Renewals stop at 10 minutes (acquire again) or when idle (let it go).
          if (why.startsWith("held for")) this.channel.push("unlock", lockOf(f)).then(take);
          else if (why.startsWith("not renewed")) { clearInterval(renew); delete f.dataset.rtuxHeld; }
          else if (why && why !== "disconnected" && why !== "not connected") toast(this.socket.root, why, { error: true });
        });
        take();
        clearInterval(renew);
        renew = setInterval(take, 10000);
      });
      root.addEventListener("focusout", (e) => {
        const f = e.target.closest("form[data-rtux-lock]");
        if (!f || (e.relatedTarget && f.contains(e.relatedTarget))) return;
        delete f.dataset.rtuxHeld;
        clearInterval(renew);
        this.channel.push("unlock", lockOf(f));
      });
      const freeForm = (f) => {
        clearTimeout(f.rtuxLockExpiry);
        delete f.dataset.rtuxLockedBy;
        $$(f, "input,textarea,select,button").forEach((i) => { i.disabled = false; });
        $$(f, ".rtux-lock").forEach((b) => b.remove());
      };
      this.channel.on("rtux:lock", (p) => lockForms(p).forEach((f) => {
        f.dataset.rtuxLockedBy = (p.holder && (p.holder.name || p.holder.user)) || "Someone";
        $$(f, "input,textarea,select,button").forEach((i) => { i.disabled = true; });
        let badge = f.querySelector(".rtux-lock");
        if (!badge) { badge = el("span", "rtux-lock"); f.prepend(badge); }
        badge.textContent = `${f.dataset.rtuxLockedBy} is editing`;
        // Holders renew well inside the TTL; a lock not renewed by then is
        // gone even if no unlock comes (its holder's server died).
        clearTimeout(f.rtuxLockExpiry);
        f.rtuxLockExpiry = setTimeout(() => freeForm(f), (p.ttl_ms || 30000) + 1000);
      }));
      this.channel.on("rtux:unlock", (p) => lockForms(p).forEach(freeForm));
      this.channel.on("rtux:progress", (p) => {
        const bar = root.querySelector(`[data-rtux-progress="${CSS.escape(String(p.id))}"]`);
        if (!bar) return;
        const meter = bar.querySelector("progress");
        if (meter) { meter.max = p.total; meter.value = p.done; }
        const label = bar.querySelector("[data-rtux-progress-label]");
        if (label && p.label) label.textContent = p.label;
        bar.hidden = p.done >= p.total;
      });
      root.addEventListener("click", (e) => {
        const c = e.target.closest("[data-rtux-choose]");
        if (c) {
          const side = c.closest("fieldset"), theirs = c.dataset.rtuxChoose === "theirs";
          const value = theirs ? side.querySelector("[data-rtux-theirs]").textContent : side.querySelector("[data-rtux-yours]").value;
          const input = c.form && c.form.elements.namedItem(c.dataset.field);
          if (input) input.value = value;
          side.dataset.chosen = c.dataset.rtuxChoose;
          return;
        }
        const b = e.target.closest("button[data-rtux-action]");
        if (b && root.contains(b) && !b.form) { e.preventDefault(); this.act(b, b.dataset.rtuxParams ? JSON.parse(b.dataset.rtuxParams) : {}); }
      });
      root.addEventListener("submit", (e) => {
        const f = e.target.closest("form[data-rtux-action]");
        if (!f) return;
        e.preventDefault();
        this.act(f, fields(f));
        if (f.dataset.rtuxForm) localStorage.removeItem(FORM(f));
        // An insert form starts over; an edit form keeps what was typed until
        // the server's record replaces it (a patch meanwhile keeps it too).
        if (f.hasAttribute("data-rtux-insert")) f.reset();
      });
      socket.onState((state) => { if (state !== "connected") root.setAttribute("data-rtux-updating", ""); });
    }
    // One action: optimistic change now, pending until its final answer, rollback on refusal.
    act(origin, data) {
      const d = origin.dataset;
      if (d.rtuxConfirm && !window.confirm(d.rtuxConfirm)) return;
      const payload = { client: CLIENT, op: crypto.randomUUID(), at: Date.now(), data };
      if (d.rtuxId) payload.id = d.rtuxId;
      if (d.rtuxVersion) payload.version = Number(d.rtuxVersion);
      let temp = null, undo = () => {};
      if (d.rtuxInsert !== undefined) {
        payload.temp_id = `tmp-${payload.op}`;
        const tpl = this.root.querySelector("template[data-rtux-temp]");
        temp = tpl ? tpl.content.firstElementChild.cloneNode(true) : el("div");
        temp.id = payload.temp_id;
        $$(temp, "[data-rtux-text]").forEach((n) => { n.textContent = data[n.dataset.rtuxText] ?? ""; });
        temp.classList.add("rtux-pending");
        this.list.append(temp);
      }
      if (d.rtuxOptimistic) undo = applyCommands(origin, JSON.parse(d.rtuxOptimistic));
      const record = origin.closest("[id]");
      const busy = [origin, origin.form, record].filter(Boolean);
      busy.forEach((n) => n.classList.add("rtux-loading", "rtux-pending"));
      // disable-with: on the clicked button, or a form's submit button.
      const dw = origin.matches("[data-rtux-disable-with]") ? origin : origin.querySelector("[data-rtux-disable-with]");
      const label = dw && dw.textContent;
      if (dw) { dw.textContent = dw.dataset.rtuxDisableWith; dw.disabled = true; }
      const release = () => { if (dw) { dw.textContent = label; dw.disabled = false; } };
      const settle = () => { busy.forEach((n) => n.classList.remove("rtux-loading", "rtux-pending", "rtux-queued")); release(); };
      const entry = { topic: this.channel.topic, event: d.rtuxAction, payload };
      saveQueue([...queued(), entry]);
      this.live.set(keyOf(entry), { temp, undo, settle, origin });
      if (this.channel.joined) this.deliver(entry);
      else { origin.classList.add("rtux-queued"); release(); }
    }
    // Sends an op (again) and handles its answer.
    deliver(entry) {
      return this.send(entry).then((reply) => this.answer(entry, reply));
    }
    // A final answer ends the op; a transient one keeps it for a retry, with
    // backoff (on rejoin when offline).
    answer(entry, reply) {
      const key = keyOf(entry), live = this.live.get(key);
      if (retryable(reply)) {
        if (live) live.origin.classList.add("rtux-queued");
        if (offline(reply)) return reply;
        const n = (this.tries.get(key) || 0) + 1;
        this.tries.set(key, n);
        const wait = reply.response?.retry_after_ms ?? Math.min(30000, 500 * 2 ** n);
        setTimeout(() => { if (this.channel.joined && queued().some((q) => keyOf(q) === key)) this.deliver(entry); }, wait);
        return reply;
      }
      dequeue(entry);
      this.live.delete(key);
      this.tries.delete(key);
      if (live) live.settle();
      const { temp, undo, origin } = live || { undo: () => {}, origin: this.root };
      if (reply.status === "ok") {
        if (entry.event === "undo") this.undone(reply.response);
        else this.confirmed(reply.response, temp, origin, entry, undo);
      } else {
        undo();
        if (temp) temp.remove();
        if (reply.response.panel && origin.tagName === "FORM") this.conflict(this.current(origin), reply.response);
        else toast(this.socket.root, reply.response.reason || "Not saved", { error: true });
      }
      return reply;
    }
    // The element now in the page for `n`: a patch may have replaced it while
    // its action was in flight.
    current(n) {
      if (n.isConnected) return n;
      const d = n.dataset, id = d.rtuxId ? `[data-rtux-id="${CSS.escape(d.rtuxId)}"]` : "";
      return this.root.querySelector(`${n.tagName}[data-rtux-action="${CSS.escape(d.rtuxAction)}"]${id}`) || n;
    }
    // The list may arrive later (an async result), so it is looked up each time.
    get list() { return this.root.querySelector("[data-rtux-list]") || this.root; }
    send(entry) { return this.channel.push(entry.event, entry.payload); }
    // A save that conflicts: the user's text back in the form, the server's
    // panel on top, the form now saving against the current version.
    conflict(form, r) {
      $$(form, ".rtux-conflict").forEach((n) => n.remove());
      for (const [k, v] of Object.entries(r.conflict.yours || {})) {
        const input = form.elements.namedItem(k);
        if (input && input.value !== undefined) input.value = typeof v === "string" ? v : JSON.stringify(v);
      }
      form.dataset.rtuxVersion = r.conflict.version;
      const panel = fragment(r.panel);
      $$(panel, "textarea[name]").forEach((t) => t.removeAttribute("name"));
      form.prepend(panel);
    }
    change(form) {
      const payload = { client: CLIENT, op: crypto.randomUUID(), data: fields(form) };
      return this.channel.push(form.dataset.rtuxChange, payload).then((reply) => {
        const out = form.querySelector("[data-rtux-feedback]");
        if (out) out.textContent = reply.status === "ok" ? "" : (reply.response.reason || "");
      });
    }
    confirmed(r, temp, origin, entry, undo) {
      if (r.undo_window_ms) return this.undoToast(r, entry, undo);
      const html = r.html, rec = r.record;
      const id = rec && this.domId(rec.id);
      const existing = temp || document.getElementById(r.temp_id || "-") || (id && document.getElementById(id));
      let node = null;
      if (existing && html) node = replaceKeepingInput(existing, html);
      else if (!existing && html && r.temp_id) this.list.append(node = fragment(html));
      else if (temp) temp.classList.remove("rtux-pending");
      if (rec && !r.deleted) this.know({ id: rec.id, version: rec.version, dom_id: id, html }, node);
    }
    domId(id) { return `${this.channel.topic}-${id}`.replace(/[^A-Za-z0-9_-]/g, "-"); }
    // What the server said of a record, and the version its element now shows.
    know(rec, node) {
      if (this.records) this.records.set(rec.id, rec);
      if (node) node.dataset.rtuxV = rec.version;
    }
    undoToast(r, entry, undo) {
      // A replay (after a reload) shows what is left of the window.
      const ms = Math.min(r.undo_window_ms, r.undo_until ? r.undo_until - Date.now() : Infinity);
      this.restore.set(entry.payload.op, undo);
      if (ms <= 0) return;
      let left = Math.round(ms / 1000);
      const t = toast(this.socket.root, "", { keep: true });
      const text = t.el.querySelector(".rtux-toast__text");
      const button = el("button", "rtux-toast__undo", "Undo");
      button.type = "button";
      t.el.append(button);
      const tick = () => { text.textContent = `Deleted. Undo within ${left} s`; left -= 1; };
      tick();
      // When the window ends the delete has run: the hidden element goes.
      const gone = () => {
        const n = r.record && document.getElementById(this.domId(r.record.id));
        if (n && n.hidden) n.remove();
        if (this.records && r.record) this.records.delete(r.record.id);
      };
      const timer = setInterval(() => { if (left < 0) { clearInterval(timer); t.done(); gone(); } else tick(); }, 1000);
      button.addEventListener("click", () => {
        clearInterval(timer);
        t.done();
        const again = { topic: entry.topic, event: "undo", payload: { client: entry.payload.client, op: entry.payload.op, at: Date.now() } };
        saveQueue([...queued(), again]);
        this.deliver(again);
      });
    }
    // The record is back: shown again where it was, or put back from the
    // server's HTML if the page no longer has it.
    undone(r) {
      const restore = this.restore.get(r.undone);
      if (restore) restore();
      let node = r.dom_id && document.getElementById(r.dom_id);
      if (!node && r.html) this.list.append(node = fragment(r.html));
      if (r.record) this.know({ ...r.record, dom_id: r.dom_id, html: r.html }, node);
    }
    // Replays the queued actions of this topic, in order, with their original op ids.
    async replay() {
      for (const entry of queued().filter((e) => e.topic === this.channel.topic)) {
        const reply = await this.deliver(entry);
        if (offline(reply)) return;
      }
    }
    // Makes the list show the records the server last told, at their
    // versions: what arrived while this page was away or loading appears,
    // what changed is replaced (keeping what the user is typing), what is gone
    // goes. Elements of this page's own pending inserts are left alone.
    reconcile() {
      const list = this.root.querySelector("[data-rtux-list]");
      if (!this.records || !list || this.root.querySelector("[data-rtux-async][aria-busy]")) return;
      const ids = new Set();
      let prev = null;
      for (const rec of this.records.values()) {
        ids.add(rec.dom_id);
        let node = document.getElementById(rec.dom_id);
        if (node && rec.html && versionOf(node) !== rec.version) node = replaceKeepingInput(node, rec.html);
        else if (!node && rec.html) {
          node = fragment(rec.html);
          if (prev) prev.after(node); else list.prepend(node);
        }
        if (node) { node.dataset.rtuxV = rec.version; prev = node; }
      }
      const mine = this.domId("");
      $$(list, `[id^="${CSS.escape(mine)}"]`).forEach((n) => { if (n.parentElement === list && !ids.has(n.id)) n.remove(); });
      // "Load more" after the list while the topic has more.
      let more = this.root.querySelector("[data-rtux-more]");
      if (this.more && !more) { more = el("button", "rtux-more", "Load more"); more.type = "button"; more.dataset.rtuxMore = ""; list.after(more); }
      if (more) more.hidden = !this.more;
    }
    patch(p) {
      const rec = p.record;
      if (p.op === "remove") {
        if (this.records) this.records.delete(p.id);
        const n = document.getElementById(p.dom_id);
        if (n) n.remove();
        return;
      }
      const known = this.records && rec && this.records.get(rec.id);
      if (known && known.version >= rec.version) return;
      if (rec) this.know({ id: rec.id, version: rec.version, dom_id: p.dom_id, html: p.html }, null);
      const existing = document.getElementById(p.dom_id);
      if (existing) {
        if (p.html) { const n = replaceKeepingInput(existing, p.html); if (rec) n.dataset.rtuxV = rec.version; highlight(n); }
        return;
      }
      if (p.op !== "insert" || !p.html || this.root.querySelector("[data-rtux-async][aria-busy]")) return;
      const node = fragment(p.html);
      if (rec) node.dataset.rtuxV = rec.version;
      const after = p.after && document.getElementById(p.after);
      if (after) after.after(node); else if (p.at === 0) this.list.prepend(node); else this.list.append(node);
      highlight(node);
    }
  }

  // ---- Forms: backed up while typed, restored after a reload; leave guard --
  const wireForms = (root) => {
    $$(root, "form[data-rtux-form]").forEach((f) => {
      const key = FORM(f);
      const saved = JSON.parse(localStorage.getItem(key) || "null");
      if (saved) Object.entries(saved).forEach(([k, v]) => { if (f.elements[k]) f.elements[k].value = v; });
      f.addEventListener("input", () => localStorage.setItem(key, JSON.stringify(Object.fromEntries(new FormData(f)))));
    });
    window.addEventListener("beforeunload", (e) => {
      const dirty = $$(root, "form[data-rtux-form]").some((f) => localStorage.getItem(FORM(f)));
      if (dirty || queued().length) { e.preventDefault(); e.returnValue = ""; }
      sessionStorage.setItem(`rtux:scroll:${location.pathname}`, String(window.scrollY));
    });
    const y = Number(sessionStorage.getItem(`rtux:scroll:${location.pathname}`));
    if (y) requestAnimationFrame(() => window.scrollTo(0, y));
  };

  // ---- Loading: skeleton after 200 ms, then for at least 300 ms ------------
  const SKELETON_AFTER = 200, SKELETON_MIN = 300;
  const loadAsync = (box) => {
    const skeleton = box.querySelector("[data-rtux-skeleton]");
    const failed = box.querySelector("[data-rtux-failed]");
    const content = box.querySelector("[data-rtux-content]");
    let shownAt = null;
    const timer = setTimeout(() => { if (skeleton) { skeleton.hidden = false; shownAt = performance.now(); } }, SKELETON_AFTER);
    if (failed) failed.hidden = true;
    box.setAttribute("aria-busy", "true");
    const started = performance.now();
    const finish = (fn) => {
      clearTimeout(timer);
      box.dataset.rtuxLoadMs = String(Math.round(performance.now() - started));
      const wait = shownAt === null ? 0 : Math.max(0, SKELETON_MIN - (performance.now() - shownAt));
      setTimeout(() => {
        if (skeleton && !skeleton.hidden) skeleton.hidden = true;
        box.removeAttribute("aria-busy");
        fn();
        box.dispatchEvent(new CustomEvent("rtux:loaded", { bubbles: true }));
      }, wait);
    };
    fetch(box.dataset.rtuxAsync, { headers: { accept: "text/html" } })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(r.statusText))))
      .then((html) => finish(() => { if (content) { content.innerHTML = html; content.hidden = false; } }))
      .catch(() => finish(() => { if (failed) failed.hidden = false; }));
  };

  const start = () => {
    const root = document.querySelector("[data-rtux-app]");
    if (!root || root.rtux) return;
    const socket = new Socket(root);
    root.rtux = socket;
    $$(root, "[data-rtux-presence]").forEach((p) => new PresenceView(socket, p));
    $$(root, "[data-rtux-resource]").forEach((r) => new ResourceView(socket, r));
    $$(root, "[data-rtux-async]").forEach(loadAsync);
    root.addEventListener("click", (e) => {
      const retry = e.target.closest("[data-rtux-retry]");
      if (retry) loadAsync(retry.closest("[data-rtux-async]"));
      if (e.target.closest("[data-rtux-refresh]")) location.reload();
    });
    wireForms(root);
    socket.connect();
    window.rtux = { socket, typingText, viewingText, client: CLIENT, queued, script: SCRIPT && SCRIPT.src };
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

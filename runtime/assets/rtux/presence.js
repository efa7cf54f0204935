// rtux.js, presence: Presence: who is here, typing, which field, cursors; full state or summaries.
// Who is typing, in the server's words: `n` is how many are, when a summary
// names only some of them.
const typingText = (names, n = names.length) =>
  names.length === 0 || n === 0 ? "" :
  n === 1 ? say("typing_one", { a: names[0] }) :
  n === 2 && names.length === 2 ? say("typing_two", { a: names[0], b: names[1] }) :
  say("typing_many", { a: names[0], n: n - 1 });

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
    // Cursors move in the element marked data-rtux-cursors: this one or one around it.
    const area = root.closest("[data-rtux-cursors]");
    if (area) this.wireCursors(area);
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
    if (viewing) viewing.textContent = total === 1 ? say("viewing_one") : say("viewing_many", { n: total });
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
      // Out of the flow, on the input's top right corner: a badge never moves the page.
      if (getComputedStyle(holder).position === "absolute") {
        if (getComputedStyle(input.parentElement).position === "static") input.parentElement.style.position = "relative";
        Object.assign(holder.style, { top: `${input.offsetTop}px`, left: `${input.offsetLeft + input.offsetWidth}px` });
      }
      holder.replaceChildren(...others.filter((p) => p.fields.includes(field)).map((p) => {
        const name = p.name || p.key;
        const badge = el("span", "rtux-field-badge", input.dataset.rtuxDoing ? say(input.dataset.rtuxDoing, { name }) : name);
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
      if (!a) { a = fromTemplate("avatar", "rtux-avatar"); a.dataset.user = p.key; stack.append(a); }
      const name = p.name || p.key;
      // Initials: "Swift Otter" is SO, "Ana" is A.
      a.textContent = name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0]).join("").toUpperCase();
      a.title = name;
      a.style.setProperty("--rtux-color", p.color);
      a.classList.toggle("rtux-avatar--idle", p.status === "idle");
      a.classList.toggle("rtux-avatar--stale", !!p.stale);
    });
    let more = stack.querySelector(".rtux-avatar--more");
    if (total > SHOWN) {
      if (!more) { more = el("span", "rtux-avatar rtux-avatar--more"); stack.append(more); }
      more.textContent = say("overflow", { n: total - SHOWN });
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
  wireCursors(area) {
    this.cursorLayer = el("div", "rtux-cursors");
    area.append(this.cursorLayer);
    let last = 0, held = null, timer = null;
    const flush = () => { clearTimeout(timer); timer = null; last = Date.now(); if (held) { this.send("cursor", held); held = null; } };
    area.addEventListener("pointermove", (e) => {
      const box = area.getBoundingClientRect();
      held = { x: Math.round(e.clientX - box.left), y: Math.round(e.clientY - box.top) };
      const wait = CURSOR_EVERY - (Date.now() - last);
      if (wait <= 0) flush(); else if (!timer) timer = setTimeout(flush, wait);
    });
  }
  renderCursors(others) {
    this.cursorLayer.replaceChildren(...others.flatMap((p) => p.cursors.map((c) => {
      const m = el("span", "rtux-cursor", p.name || p.key);
      // Idle (no input for a while) or away (its page hidden or asleep: stale).
      m.classList.toggle("rtux-cursor--idle", p.status === "idle" || !!p.stale);
      m.style.setProperty("--rtux-color", p.color);
      m.style.transform = `translate(${Number(c.x) || 0}px, ${Number(c.y) || 0}px)`;
      return m;
    })));
  }
}

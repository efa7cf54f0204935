// rtux.js, resource: A resource on the page: actions, patches, conflicts, locks, live fields, undo, pages.
class ResourceView {
  constructor(socket, root) {
    this.socket = socket;
    this.root = root;
    // The topic's records as the server last told (join reply, patches,
    // replies), and the live effects of this page's actions still in flight.
    Object.assign(this, { records: null, live: new Map(), tries: new Map(), restore: new Map(), drafts: new Map(), pages: 1, more: null });
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
        (r.drafts || []).forEach((d) => this.drafts.set(d.id, d));
        this.reconcile();
      }
      this.replay();
      // Forms tell the server what they hold again (its view was lost with the socket).
      $$(root, "form[data-rtux-change]").forEach((f) => { if (f.dataset.rtuxChanged) this.change(f); });
    });
    root.addEventListener("rtux:loaded", () => this.reconcile());
    document.addEventListener("visibilitychange", () => this.records && this.seen(this.records.keys()));
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
    // Drafts: what is typed into a record's form[data-rtux-draft] goes to the
    // server at most every 2 s, and once more after the last keystroke.
    root.addEventListener("input", (e) => {
      const f = e.target.closest && e.target.closest("form[data-rtux-draft]");
      if (!f) return;
      clearTimeout(f.rtuxDraft);
      f.rtuxDraft = setTimeout(() => {
        f.rtuxAt = Date.now();
        this.channel.push("draft:save", { id: f.dataset.rtuxId, data: Object.fromEntries(new FormData(f)) });
      }, Math.max(0, (f.rtuxAt || 0) + 2000 - Date.now()));
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
        const code = r.status === "error" ? r.response.code : "";
        // The server ends a lock held 10 minutes, or not edited for a minute.
        if (code === "held_too_long" || code === "idle") { clearInterval(renew); delete f.dataset.rtuxHeld; }
        else if (code) toast(this.socket.root, r.response.reason, { error: true });
      });
      take();
      clearInterval(renew);
      renew = setInterval(take, 10000);
    });
    // Typing in a held form is what keeps its lock (at most one preview every 2 s).
    root.addEventListener("input", (e) => {
      const f = e.target.closest && e.target.closest("form[data-rtux-lock]");
      if (!f || !f.dataset.rtuxHeld || !e.target.name || Date.now() - (f.rtuxEdit || 0) < 2000) return;
      f.rtuxEdit = Date.now();
      const v = String(e.target.value);
      this.channel.push("field", { id: f.dataset.rtuxId, field: e.target.name, value: v.length > 2000 ? null : v });
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
      f.dataset.rtuxLockedBy = (p.holder && (p.holder.name || p.holder.user)) || say("someone");
      $$(f, "input,textarea,select,button").forEach((i) => { i.disabled = true; });
      let badge = f.querySelector(".rtux-lock");
      if (!badge) { badge = fromTemplate("lock", "rtux-lock"); f.prepend(badge); }
      badge.dataset.section = p.section;
      (badge.querySelector(".rtux-lock__text") || badge).textContent = say("editing", { name: f.dataset.rtuxLockedBy });
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
      // A conflict's choice puts that side's value into the form's own input.
      const c = e.target.closest("[data-rtux-choose]");
      if (c) {
        const side = c.closest("[data-field]"), input = c.form && c.form.elements.namedItem(side.dataset.field);
        if (input) setField(input, JSON.parse(c.dataset.rtuxChoose === "theirs" ? side.dataset.rtuxTheirs : side.dataset.rtuxYours));
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
      $$(f, "[aria-invalid=true]").forEach(clearError);
      this.act(f, fields(f));
      if (f.dataset.rtuxForm) localStorage.removeItem(FORM(f));
      // An insert form starts over; an edit form keeps what was typed until
      // the server's record replaces it (a patch meanwhile keeps it too).
      if (f.hasAttribute("data-rtux-insert")) { typed(f); f.reset(); }
    });
    socket.onState((state) => { if (state !== "connected") root.setAttribute("data-rtux-updating", ""); });
    wireSortable(this);
  }
  // One action: optimistic change now, pending until its final answer, rollback
  // on refusal (the optimistic commands, and `rollback` when given).
  act(origin, data, event = origin.dataset.rtuxAction, rollback = () => {}) {
    const d = origin.dataset;
    if (d.rtuxConfirm && !window.confirm(d.rtuxConfirm)) return;
    const payload = { client: CLIENT, op: crypto.randomUUID(), at: Date.now(), data };
    if (d.rtuxId) payload.id = d.rtuxId;
    if (d.rtuxVersion) payload.version = Number(d.rtuxVersion);
    let temp = null, undo = rollback;
    // An insert into a sorted list goes after its last item.
    const into = d.rtuxInto !== undefined && this.root.querySelector(`[data-rtux-list="${CSS.escape(d.rtuxInto)}"]`);
    if (into) data.rank = rankBetween(($$(into, ":scope > [data-rtux-rank]").pop() || { dataset: { rtuxRank: "" } }).dataset.rtuxRank, null);
    if (d.rtuxInsert !== undefined) {
      payload.temp_id = `tmp-${payload.op}`;
      const tpl = this.root.querySelector("template[data-rtux-temp]");
      temp = tpl ? tpl.content.firstElementChild.cloneNode(true) : el("div");
      temp.id = payload.temp_id;
      $$(temp, "[data-rtux-text]").forEach((n) => { n.textContent = data[n.dataset.rtuxText] ?? ""; });
      temp.classList.add("rtux-pending");
      this.list.append(temp);
      if (into) { Object.assign(temp.dataset, { rtuxIn: d.rtuxInto, rtuxRank: data.rank }); place(this.root, temp); }
    }
    if (d.rtuxOptimistic) { const commands = applyCommands(origin, JSON.parse(d.rtuxOptimistic)); undo = () => { commands(); rollback(); }; }
    const record = origin.closest("[id]");
    const busy = [origin, origin.form, record].filter(Boolean);
    busy.forEach((n) => n.classList.add("rtux-loading", "rtux-pending"));
    // disable-with: on the clicked button, or a form's submit button.
    const dw = origin.matches("[data-rtux-disable-with]") ? origin : origin.querySelector("[data-rtux-disable-with]");
    const label = dw && dw.textContent;
    if (dw) { dw.textContent = dw.dataset.rtuxDisableWith; dw.disabled = true; }
    const release = () => { if (dw) { dw.textContent = label; dw.disabled = false; } };
    const settle = () => { busy.forEach((n) => n.classList.remove("rtux-loading", "rtux-pending", "rtux-queued")); release(); };
    const entry = { topic: this.channel.topic, event, payload };
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
      const form = origin.tagName === "FORM" && this.current(origin);
      if (reply.response.panel && form) this.conflict(form, reply.response);
      else if (!(form && refused(form, reply.response))) toast(this.socket.root, reply.response.reason || say("not_saved"), { error: true });
    }
    return reply;
  }
  // The element now in the page for `n`: a patch may have replaced it while
  // its action was in flight.
  current(n) {
    if (n.isConnected) return n;
    if (n.id && document.getElementById(n.id)) return document.getElementById(n.id);
    const d = n.dataset, id = d.rtuxId ? `[data-rtux-id="${CSS.escape(d.rtuxId)}"]` : "";
    return this.root.querySelector(`${n.tagName}[data-rtux-action="${CSS.escape(d.rtuxAction)}"]${id}`) || n;
  }
  // The list may arrive later (an async result), so it is looked up each time.
  get list() { return this.root.querySelector("[data-rtux-list]") || this.root; }
  send(entry) { return this.channel.push(entry.event, entry.payload); }
  // A save that conflicts: the user's text back in the form, the server's
  // panel on top, the form now saving against the current version.
  // The panel names each field by its label and marks its input; the form's
  // own inputs hold the user's values and its own Save resolves.
  conflict(form, r) {
    $$(form, ".rtux-conflict").forEach((n) => n.remove());
    $$(form, "[data-rtux-conflicted]").forEach((i) => i.removeAttribute("data-rtux-conflicted"));
    for (const [k, v] of Object.entries(r.conflict.yours || {})) {
      const input = form.elements.namedItem(k);
      if (input && input.value !== undefined) setField(input, v);
    }
    form.dataset.rtuxVersion = r.conflict.version;
    const panel = fragment(r.panel);
    $$(panel, "[data-field]").forEach((f) => {
      const input = form.elements.namedItem(f.dataset.field);
      if (!input || input.value === undefined) return;
      input.setAttribute("data-rtux-conflicted", "");
      const label = (input.id && form.querySelector(`label[for="${CSS.escape(input.id)}"]`)) || input.closest("label");
      const name = (label && label.textContent.trim()) || input.getAttribute("aria-label");
      if (name) f.querySelector("[data-rtux-label]").textContent = name;
    });
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
    // Deleted (also: a replay whose record is gone since).
    if (r.deleted) { if (existing) existing.remove(); if (this.records) this.records.delete(rec.id); return; }
    let node = null;
    if (existing && html) node = replaceKeepingInput(existing, html);
    else if (!existing && html && r.temp_id) this.list.append(node = fragment(html));
    else if (temp) temp.classList.remove("rtux-pending");
    place(this.root, node);
    // The saved form goes on from the version it made (after a conflict, too).
    const form = origin.tagName === "FORM" && rec && this.current(origin);
    if (form && form.dataset.rtuxVersion !== undefined) form.dataset.rtuxVersion = rec.version;
    if (rec) this.know({ id: rec.id, version: rec.version, dom_id: id, html }, node);
    if (rec) this.drafts.delete(rec.id);
  }
  domId(id) { return `${this.channel.topic}-${id}`.replace(/[^A-Za-z0-9_-]/g, "-"); }
  // What the server said of a record, and the version its element now shows.
  know(rec, node) {
    if (this.records) this.records.set(rec.id, rec);
    if (node) node.dataset.rtuxV = rec.version;
    this.seen([rec.id]);
  }
  // What a visible page shows of its topic counts as seen ([data-rtux-unread]).
  seen(ids) {
    if (document.visibilityState === "visible") markSeen(this.channel.topic, newest(ids));
  }
  undoToast(r, entry, undo) {
    // A replay (after a reload) shows what is left of the window.
    const ms = Math.min(r.undo_window_ms, r.undo_until ? r.undo_until - Date.now() : Infinity);
    this.restore.set(entry.payload.op, undo);
    if (ms <= 0) return;
    let left = Math.round(ms / 1000);
    const t = toast(this.socket.root, "", { keep: true });
    const text = t.el.querySelector(".rtux-toast__text");
    const button = el("button", "rtux-toast__undo", say("undo"));
    button.type = "button";
    t.el.append(button);
    const tick = () => { text.textContent = say("undo_within", { n: left }); left -= 1; };
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
    place(this.root, node);
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
      if (node) { node.dataset.rtuxV = rec.version; prev = node; place(this.root, node); }
    }
    const mine = this.domId("");
    $$(this.root, "[data-rtux-list]").forEach((l) => $$(l, `:scope > [id^="${CSS.escape(mine)}"]`).forEach((n) => { if (!ids.has(n.id)) n.remove(); }));
    // "Load more" after the list while the topic has more.
    let more = this.root.querySelector("[data-rtux-more]");
    if (this.more && !more) { more = el("button", "rtux-more", say("load_more")); more.type = "button"; more.dataset.rtuxMore = ""; list.after(more); }
    if (more) more.hidden = !this.more;
    this.seen(this.records.keys());
    this.drafted();
  }
  // The drafts the server kept for this user, filled into their records'
  // forms with "Draft restored from …" and Discard (which empties it here and there).
  drafted() {
    this.drafts.forEach((d, id) => {
      const f = this.root.querySelector(`form[data-rtux-draft][data-rtux-id="${CSS.escape(id)}"]`);
      if (!f || f.dataset.rtuxDrafted) return;
      f.dataset.rtuxDrafted = 1;
      for (const i of f.elements) if (i.name) i.type == "checkbox" ? (i.checked = i.name in d.data) : i.name in d.data && (i.value = d.data[i.name]);
      const n = fromTemplate("draft", "rtux-draft");
      n.querySelector("time").textContent = new Date(d.saved_at).toLocaleString();
      n.querySelector("button").onclick = () => {
        this.channel.push("draft:discard", { id });
        this.drafts.delete(id);
        f.reset();
        n.remove();
        delete f.dataset.rtuxDrafted;
      };
      f.prepend(n);
    });
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
      if (p.html) { const n = replaceKeepingInput(existing, p.html); if (rec) n.dataset.rtuxV = rec.version; place(this.root, n); highlight(n); }
      return;
    }
    if (p.op !== "insert" || !p.html || this.root.querySelector("[data-rtux-async][aria-busy]")) return;
    const node = fragment(p.html);
    if (rec) node.dataset.rtuxV = rec.version;
    const after = p.after && document.getElementById(p.after);
    if (after) after.after(node); else if (p.at === 0) this.list.prepend(node); else this.list.append(node);
    place(this.root, node);
    highlight(node);
  }
}

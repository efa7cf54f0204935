// rtux.js, resource: A resource on the page: actions, patches, conflicts, locks, live fields, undo, pages.
import { announcer } from "./announce.js";
import { element, fromTemplate, phrase, queryAll } from "./core.js";
import { clearError, keepTyped, refused } from "./forms.js";
import { emit } from "./hooks.js";
import { holdWhileOffline, irreversibleOf } from "./irreversible.js";
import { applyCommands } from "./optimistic.js";
import { wirePreviews } from "./previews.js";
import {
  CLIENT_ID, dequeue, entryKey, formBackupKey, offline, readQueue, retryable, versionOf, writeQueue,
} from "./outbox.js";
import { fields, fragment, highlight, replaceKeepingInput, setField } from "./patches.js";
import { markSeen, newest } from "./refs.js";
import { place, rankBetween, wireSortable } from "./sortable.js";
import { toast } from "./toast.js";

// A draft goes to the server at most this often while typed.
const DRAFT_EVERY = 2000;
// A form[data-rtux-change] tells the server what it holds this long after the last keystroke.
const CHANGE_AFTER = 300;
// A held section lock is taken again this often (well inside its TTL).
const LOCK_RENEW_EVERY = 10000;
// A lock not renewed within its TTL (this, unless the server says) and this
// grace is taken as gone.
const LOCK_TTL = 30000;
const LOCK_GRACE = 1000;
// Retries after a transient refusal: 1 s, 2 s, 4 s… up to 30 s (unless the server says when).
const RETRY_BASE = 500;
const RETRY_MAX = 30000;

const FORM_CONTROLS = "input,textarea,select,button";
const nothing = () => {};

export class ResourceView {
  constructor(socket, root) {
    this.socket = socket;
    this.root = root;
    // The topic's records as the server last told (join reply, patches,
    // replies): id → {id, version, dom_id, html}; null until joined.
    this.records = null;
    // The live effects of this page's actions still in flight, by entry key:
    // {temp, undo, settle, origin}.
    this.live = new Map();
    // Retries so far, by entry key.
    this.tries = new Map();
    // The undo of a deleting action, by op id, while its undo window is open.
    this.restore = new Map();
    // The drafts the server kept for this user, by record id.
    this.drafts = new Map();
    // The actions that need the connection (never queued), as last joined.
    this.irreversible = new Set();
    // How many pages of the list are shown, and where the next one starts (null: no more).
    this.pages = 1;
    this.more = null;
    this.channel = socket.channel(root.dataset.rtuxResource, {});
    // The listeners are added in this order: those of one event run in it.
    this.wireJoin();
    this.wirePages();
    this.wireDrafts();
    this.wireChanges();
    this.wireLocks();
    wirePreviews(this.channel, root);
    this.wireProgress();
    this.wireActions();
    // "Updating…" once offline past the banner's delay (a blip shows nothing),
    // until the rejoin's list is in.
    socket.onHeld((held) => {
      if (held) root.setAttribute("data-rtux-updating", "");
    });
    holdWhileOffline(socket, root, () => this.irreversible);
    wireSortable(this);
  }

  wireJoin() {
    const root = this.root;
    const announce = announcer(this.socket, root);
    this.channel.on("rtux:patch", (patch) => {
      this.patch(patch);
      announce(patch);
      emit("patch", { topic: this.channel.topic, patch });
    });
    this.channel.on("joined", async (reply) => {
      root.removeAttribute("data-rtux-updating");
      this.irreversible = irreversibleOf(reply);
      if (reply && Array.isArray(reply.records)) {
        // As many pages as the list showed before (after a rejoin), so the
        // list is reconciled over all it shows.
        const records = new Map(reply.records.map((record) => [record.id, record]));
        let more = reply.more;
        for (let page = 1; more && page < this.pages; page++) {
          const next = await this.channel.push("page", { after: more });
          if (next.status !== "ok") break;
          next.response.records.forEach((record) => records.set(record.id, record));
          more = next.response.more;
        }
        this.records = records;
        this.more = more;
        (reply.drafts || []).forEach((draft) => this.drafts.set(draft.id, draft));
        this.reconcile();
      }
      this.replay();
      // Forms tell the server what they hold again (its view was lost with the socket).
      queryAll(root, "form[data-rtux-change]").forEach((form) => {
        if (form.dataset.rtuxChanged) this.change(form);
      });
    });
    root.addEventListener("rtux:loaded", () => this.reconcile());
    document.addEventListener("visibilitychange", () => this.records && this.seen(this.records.keys()));
  }

  // Further pages of a long list, on demand.
  wirePages() {
    this.root.addEventListener("click", async (event) => {
      const button = event.target.closest("[data-rtux-more]");
      if (!button || !this.more) return;
      button.disabled = true;
      const page = await this.channel.push("page", { after: this.more });
      button.disabled = false;
      if (page.status !== "ok") return;
      page.response.records.forEach((record) => this.records.set(record.id, record));
      this.more = page.response.more;
      this.pages += 1;
      this.reconcile();
    });
  }

  // Drafts: what is typed into a record's form[data-rtux-draft] goes to the
  // server at most every 2 s, and once more after the last keystroke.
  wireDrafts() {
    this.root.addEventListener("input", (event) => {
      const form = event.target.closest && event.target.closest("form[data-rtux-draft]");
      if (!form) return;
      clearTimeout(form.rtuxDraft);
      // `rtuxAt`: when this form's draft last went.
      const wait = Math.max(0, (form.rtuxAt || 0) + DRAFT_EVERY - Date.now());
      form.rtuxDraft = setTimeout(() => {
        form.rtuxAt = Date.now();
        this.channel.push("draft:save", { id: form.dataset.rtuxId, data: Object.fromEntries(new FormData(form)) });
      }, wait);
    });
  }

  // A form[data-rtux-change] tells the server what it holds once typing pauses.
  wireChanges() {
    let changeTimer = null;
    this.root.addEventListener("input", (event) => {
      const form = event.target.closest && event.target.closest("form[data-rtux-change]");
      if (!form) return;
      form.dataset.rtuxChanged = "1";
      clearTimeout(changeTimer);
      changeTimer = setTimeout(() => this.change(form), CHANGE_AFTER);
    });
  }

  // Section locks: a form[data-rtux-lock] is locked while focus is in it, and
  // a form another person holds is disabled, with their name on its badge.
  wireLocks() {
    const root = this.root;
    const lockOf = (form) => ({ id: form.dataset.rtuxId, section: form.dataset.rtuxLock });
    const lockForms = (lock) =>
      queryAll(root, `form[data-rtux-lock="${CSS.escape(lock.section)}"][data-rtux-id="${CSS.escape(lock.id)}"]`);
    let renew = null;
    root.addEventListener("focusin", (event) => {
      const form = event.target.closest("form[data-rtux-lock]");
      if (!form || form.dataset.rtuxHeld || form.dataset.rtuxLockedBy) return;
      form.dataset.rtuxHeld = "1";
      const take = () => this.channel.push("lock", lockOf(form)).then((reply) => {
        const code = reply.status === "error" ? reply.response.code : "";
        if (code === "held_too_long" || code === "idle") {
          // The server ends a lock held 10 minutes, or not edited for a minute.
          clearInterval(renew);
          delete form.dataset.rtuxHeld;
        } else if (code) {
          toast(this.socket.root, reply.response.reason, { error: true });
        }
      });
      take();
      clearInterval(renew);
      renew = setInterval(take, LOCK_RENEW_EVERY);
    });
    // Typing in a held form is what keeps its lock: its previews
    // (previews.js) tell the server the holder is editing.
    root.addEventListener("focusout", (event) => {
      const form = event.target.closest("form[data-rtux-lock]");
      // Focus moving within the form keeps the lock.
      if (!form || (event.relatedTarget && form.contains(event.relatedTarget))) return;
      delete form.dataset.rtuxHeld;
      clearInterval(renew);
      this.channel.push("unlock", lockOf(form));
    });
    const freeForm = (form) => {
      clearTimeout(form.rtuxLockExpiry);
      delete form.dataset.rtuxLockedBy;
      queryAll(form, FORM_CONTROLS).forEach((control) => {
        control.disabled = false;
      });
      queryAll(form, ".rtux-lock").forEach((badge) => badge.remove());
      // The holder stopped editing (left the form or the page): so did their previews.
      queryAll(form, ".rtux-preview").forEach((preview) => preview.remove());
    };
    this.channel.on("rtux:lock", (lock) => lockForms(lock).forEach((form) => {
      const holder = lock.holder && (lock.holder.name || lock.holder.user);
      form.dataset.rtuxLockedBy = holder || phrase("someone");
      queryAll(form, FORM_CONTROLS).forEach((control) => {
        control.disabled = true;
      });
      let badge = form.querySelector(".rtux-lock");
      if (!badge) {
        badge = fromTemplate("lock", "rtux-lock");
        form.prepend(badge);
      }
      badge.dataset.section = lock.section;
      const text = badge.querySelector(".rtux-lock__text") || badge;
      text.textContent = phrase("editing", { name: form.dataset.rtuxLockedBy });
      // Holders renew well inside the TTL; a lock not renewed by then is
      // gone even if no unlock comes (its holder's server died).
      clearTimeout(form.rtuxLockExpiry);
      form.rtuxLockExpiry = setTimeout(() => freeForm(form), (lock.ttl_ms || LOCK_TTL) + LOCK_GRACE);
    }));
    this.channel.on("rtux:unlock", (lock) => lockForms(lock).forEach(freeForm));
  }

  // A long task's progress bar ([data-rtux-progress] with the task's id), hidden once done.
  wireProgress() {
    this.channel.on("rtux:progress", (progress) => {
      const bar = this.root.querySelector(`[data-rtux-progress="${CSS.escape(String(progress.id))}"]`);
      if (!bar) return;
      const meter = bar.querySelector("progress");
      if (meter) {
        meter.max = progress.total;
        meter.value = progress.done;
      }
      const label = bar.querySelector("[data-rtux-progress-label]");
      if (label && progress.label) label.textContent = progress.label;
      bar.hidden = progress.done >= progress.total;
    });
  }

  // Buttons and forms with data-rtux-action, and a conflict panel's choices.
  wireActions() {
    const root = this.root;
    root.addEventListener("click", (event) => {
      // A conflict's choice puts that side's value into the form's own input.
      const choice = event.target.closest("[data-rtux-choose]");
      if (choice) {
        const side = choice.closest("[data-field]");
        const input = choice.form && choice.form.elements.namedItem(side.dataset.field);
        const theirs = choice.dataset.rtuxChoose === "theirs";
        if (input) setField(input, JSON.parse(theirs ? side.dataset.rtuxTheirs : side.dataset.rtuxYours));
        side.dataset.chosen = choice.dataset.rtuxChoose;
        return;
      }
      // A button in a form acts through the form's submit.
      const button = event.target.closest("button[data-rtux-action]");
      if (button && root.contains(button) && !button.form) {
        event.preventDefault();
        this.act(button, button.dataset.rtuxParams ? JSON.parse(button.dataset.rtuxParams) : {});
      }
    });
    root.addEventListener("submit", (event) => {
      const form = event.target.closest("form[data-rtux-action]");
      if (!form) return;
      event.preventDefault();
      queryAll(form, "[aria-invalid=true]").forEach(clearError);
      this.act(form, fields(form));
      if (form.dataset.rtuxForm) localStorage.removeItem(formBackupKey(form));
      // An insert form starts over; an edit form keeps what was typed until
      // the server's record replaces it (a patch meanwhile keeps it too).
      if (form.hasAttribute("data-rtux-insert")) {
        keepTyped(form);
        form.reset();
      }
    });
  }

  // One action: optimistic change now, pending until its final answer, rollback
  // on refusal (the optimistic commands, and `rollback` when given).
  act(origin, data, event = origin.dataset.rtuxAction, rollback = nothing) {
    const options = origin.dataset;
    if (options.rtuxConfirm && !window.confirm(options.rtuxConfirm)) return;
    // What cannot be taken back is never queued: it goes now or not at all.
    const irreversible = this.irreversible.has(event);
    if (irreversible && !this.channel.joined) {
      rollback();
      toast(this.socket.root, phrase("needs_connection"), { error: true });
      return;
    }
    const payload = { client: CLIENT_ID, op: crypto.randomUUID(), at: Date.now(), data };
    if (options.rtuxId) payload.id = options.rtuxId;
    if (options.rtuxVersion) payload.version = Number(options.rtuxVersion);
    let temp = null;
    let undo = rollback;
    // An insert into a sorted list goes after its last item.
    const into = options.rtuxInto !== undefined && this.root.querySelector(`[data-rtux-list="${CSS.escape(options.rtuxInto)}"]`);
    if (into) {
      const last = queryAll(into, ":scope > [data-rtux-rank]").pop();
      data.rank = rankBetween(last ? last.dataset.rtuxRank : "", null);
    }
    // An insert shows at once, as a pending element, until the server's record replaces it.
    if (options.rtuxInsert !== undefined) {
      payload.temp_id = `tmp-${payload.op}`;
      temp = this.pendingElement(payload.temp_id, data);
      this.list.append(temp);
      if (into) {
        temp.dataset.rtuxIn = options.rtuxInto;
        temp.dataset.rtuxRank = data.rank;
        place(this.root, temp);
      }
    }
    if (options.rtuxOptimistic) {
      const undoCommands = applyCommands(origin, JSON.parse(options.rtuxOptimistic));
      undo = () => {
        undoCommands();
        rollback();
      };
    }
    const record = origin.closest("[id]");
    const busy = [origin, origin.form, record].filter(Boolean);
    busy.forEach((node) => node.classList.add("rtux-loading", "rtux-pending"));
    // disable-with: on the clicked button, or a form's submit button.
    const disableWith = origin.matches("[data-rtux-disable-with]") ? origin : origin.querySelector("[data-rtux-disable-with]");
    const label = disableWith && disableWith.textContent;
    if (disableWith) {
      disableWith.textContent = disableWith.dataset.rtuxDisableWith;
      disableWith.disabled = true;
    }
    const release = () => {
      if (!disableWith) return;
      disableWith.textContent = label;
      disableWith.disabled = false;
    };
    const settle = () => {
      busy.forEach((node) => node.classList.remove("rtux-loading", "rtux-pending", "rtux-queued"));
      release();
    };
    const entry = { topic: this.channel.topic, event, payload };
    if (!irreversible) writeQueue([...readQueue(), entry]);
    this.live.set(entryKey(entry), { temp, undo, settle, origin, irreversible });
    if (this.channel.joined) {
      this.deliver(entry);
    } else {
      origin.classList.add("rtux-queued");
      release();
    }
  }

  // The element of an insert until its answer: the root's
  // template[data-rtux-temp] (else a <div>), its [data-rtux-text] filled
  // from the action's data.
  pendingElement(id, data) {
    const template = this.root.querySelector("template[data-rtux-temp]");
    const temp = template ? template.content.firstElementChild.cloneNode(true) : element("div");
    temp.id = id;
    queryAll(temp, "[data-rtux-text]").forEach((node) => {
      node.textContent = data[node.dataset.rtuxText] ?? "";
    });
    temp.classList.add("rtux-pending");
    return temp;
  }

  // Sends an op (again) and handles its answer.
  deliver(entry) {
    return this.send(entry).then((reply) => this.answer(entry, reply));
  }

  // A final answer ends the op; a transient one keeps it for a retry, with
  // backoff (on rejoin when offline).
  answer(entry, reply) {
    const key = entryKey(entry);
    const live = this.live.get(key);
    // An irreversible op whose socket dropped is not sent again on rejoin,
    // which may be long after: its answer is that it was not confirmed.
    const lost = Boolean(live && live.irreversible) && offline(reply);
    if (retryable(reply) && !lost) {
      if (live) live.origin.classList.add("rtux-queued");
      if (offline(reply)) return reply;
      const tries = (this.tries.get(key) || 0) + 1;
      this.tries.set(key, tries);
      const wait = reply.response?.retry_after_ms ?? Math.min(RETRY_MAX, RETRY_BASE * 2 ** tries);
      // Sent again only if still queued (a replay on rejoin may have had its
      // answer meanwhile); an irreversible op is kept by this page only.
      const stillQueued = live && live.irreversible
        ? () => this.live.has(key)
        : () => readQueue().some((queued) => entryKey(queued) === key);
      setTimeout(() => {
        if (this.channel.joined && stillQueued()) this.deliver(entry);
      }, wait);
      return reply;
    }
    dequeue(entry);
    this.live.delete(key);
    this.tries.delete(key);
    if (live) live.settle();
    // An op replayed after a reload has no live effects on this page.
    const { temp, undo, origin } = live || { undo: nothing, origin: this.root };
    if (reply.status === "ok") {
      if (entry.event === "undo") this.undone(reply.response);
      else this.confirmed(reply.response, temp, origin, entry, undo);
    } else {
      undo();
      if (temp) temp.remove();
      const form = origin.tagName === "FORM" && this.current(origin);
      // A form saved from an old version moves to the current one, so its
      // next save goes (with the panel when the fields differ).
      if (form && reply.response.code === "stale" && reply.response.record) form.dataset.rtuxVersion = reply.response.record.version;
      if (lost) toast(this.socket.root, phrase("not_confirmed"), { error: true });
      else if (reply.response.panel && form) this.conflict(form, reply.response);
      else if (!(form && refused(form, reply.response))) toast(this.socket.root, reply.response.reason || phrase("not_saved"), { error: true });
    }
    emit("answer", { topic: this.channel.topic, event: entry.event, status: reply.status, response: reply.response });
    return reply;
  }

  // The element now in the page for `node`: a patch may have replaced it while
  // its action was in flight (found by id, else by its action and record).
  current(node) {
    if (node.isConnected) return node;
    if (node.id && document.getElementById(node.id)) return document.getElementById(node.id);
    const options = node.dataset;
    const ofRecord = options.rtuxId ? `[data-rtux-id="${CSS.escape(options.rtuxId)}"]` : "";
    return this.root.querySelector(`${node.tagName}[data-rtux-action="${CSS.escape(options.rtuxAction)}"]${ofRecord}`) || node;
  }

  // The list may arrive later (an async result), so it is looked up each time.
  get list() {
    return this.root.querySelector("[data-rtux-list]") || this.root;
  }

  send(entry) {
    return this.channel.push(entry.event, entry.payload);
  }

  // A save that conflicts: the user's text back in the form, the server's
  // panel on top, the form now saving against the current version.
  // The panel names each field by its label and marks its input; the form's
  // own inputs hold the user's values and its own Save resolves.
  conflict(form, reply) {
    queryAll(form, ".rtux-conflict").forEach((panel) => panel.remove());
    queryAll(form, "[data-rtux-conflicted]").forEach((input) => input.removeAttribute("data-rtux-conflicted"));
    for (const [name, value] of Object.entries(reply.conflict.yours || {})) {
      const input = form.elements.namedItem(name);
      if (input && input.value !== undefined) setField(input, value);
    }
    form.dataset.rtuxVersion = reply.conflict.version;
    const panel = fragment(reply.panel);
    queryAll(panel, "[data-field]").forEach((field) => {
      const input = form.elements.namedItem(field.dataset.field);
      if (!input || input.value === undefined) return;
      input.setAttribute("data-rtux-conflicted", "");
      const label = (input.id && form.querySelector(`label[for="${CSS.escape(input.id)}"]`)) || input.closest("label");
      const name = (label && label.textContent.trim()) || input.getAttribute("aria-label");
      if (name) field.querySelector("[data-rtux-label]").textContent = name;
    });
    form.prepend(panel);
  }

  // Tells the server what a form[data-rtux-change] holds; its
  // [data-rtux-feedback] shows the refusal, if any.
  change(form) {
    const payload = { client: CLIENT_ID, op: crypto.randomUUID(), data: fields(form) };
    return this.channel.push(form.dataset.rtuxChange, payload).then((reply) => {
      const feedback = form.querySelector("[data-rtux-feedback]");
      if (feedback) feedback.textContent = reply.status === "ok" ? "" : (reply.response.reason || "");
    });
  }

  // An action's success: its record's element as the server rendered it
  // (in place of the pending one, or the one it changed), or gone if deleted.
  confirmed(response, temp, origin, entry, undo) {
    if (response.undo_window_ms) return this.undoToast(response, entry, undo);
    const html = response.html;
    const record = response.record;
    const id = record && this.domId(record.id);
    const existing = temp ||
      (response.temp_id && document.getElementById(response.temp_id)) ||
      (id && document.getElementById(id));
    // Deleted (also: a replay whose record is gone since).
    if (response.deleted) {
      if (existing) existing.remove();
      if (this.records) this.records.delete(record.id);
      return;
    }
    let node = null;
    if (existing && html) {
      node = replaceKeepingInput(existing, html);
    } else if (!existing && html && response.temp_id) {
      node = fragment(html);
      this.list.append(node);
    } else if (temp) {
      temp.classList.remove("rtux-pending");
    }
    place(this.root, node);
    // The saved form goes on from the version it made (after a conflict, too).
    const form = origin.tagName === "FORM" && record && this.current(origin);
    if (form && form.dataset.rtuxVersion !== undefined) form.dataset.rtuxVersion = record.version;
    if (record) {
      this.know({ id: record.id, version: record.version, dom_id: id, html }, node);
      this.drafts.delete(record.id);
    }
  }

  // A record's DOM id, as the server makes it: `<topic>-<id>`, anything but
  // letters, digits, _ and - as -.
  domId(id) {
    return `${this.channel.topic}-${id}`.replace(/[^A-Za-z0-9_-]/g, "-");
  }

  // What the server said of a record, and the version its element now shows.
  know(record, node) {
    if (this.records) this.records.set(record.id, record);
    if (node) node.dataset.rtuxV = record.version;
    this.seen([record.id]);
  }

  // What a visible page shows of its topic counts as seen ([data-rtux-unread]).
  seen(ids) {
    if (document.visibilityState === "visible") markSeen(this.channel.topic, newest(ids));
  }

  // A delete with an undo window: "Deleted. Undo within 5 s", counting down.
  undoToast(response, entry, undo) {
    // A replay (after a reload) shows what is left of the window.
    const left = response.undo_until ? response.undo_until - Date.now() : Infinity;
    const ms = Math.min(response.undo_window_ms, left);
    this.restore.set(entry.payload.op, undo);
    if (ms <= 0) return;
    let seconds = Math.round(ms / 1000);
    const shown = toast(this.socket.root, "", { keep: true });
    const text = shown.el.querySelector(".rtux-toast__text");
    const button = element("button", "rtux-toast__undo", phrase("undo"));
    button.type = "button";
    shown.el.append(button);
    const tick = () => {
      text.textContent = phrase("undo_within", { n: seconds });
      seconds -= 1;
    };
    tick();
    // When the window ends the delete has run: the hidden element goes.
    const gone = () => {
      const node = response.record && document.getElementById(this.domId(response.record.id));
      if (node && node.hidden) node.remove();
      if (this.records && response.record) this.records.delete(response.record.id);
    };
    const timer = setInterval(() => {
      if (seconds < 0) {
        clearInterval(timer);
        shown.done();
        gone();
      } else {
        tick();
      }
    }, 1000);
    button.addEventListener("click", () => {
      clearInterval(timer);
      shown.done();
      const payload = { client: entry.payload.client, op: entry.payload.op, at: Date.now() };
      const again = { topic: entry.topic, event: "undo", payload };
      writeQueue([...readQueue(), again]);
      this.deliver(again);
    });
  }

  // The record is back: shown again where it was, or put back from the
  // server's HTML if the page no longer has it.
  undone(response) {
    const restore = this.restore.get(response.undone);
    if (restore) restore();
    let node = response.dom_id && document.getElementById(response.dom_id);
    if (!node && response.html) {
      node = fragment(response.html);
      this.list.append(node);
    }
    place(this.root, node);
    if (response.record) this.know({ ...response.record, dom_id: response.dom_id, html: response.html }, node);
  }

  // Replays the queued actions of this topic, in order, with their original op ids.
  async replay() {
    for (const entry of readQueue().filter((queued) => queued.topic === this.channel.topic)) {
      // Queued by an older page, before it knew: what cannot be taken back
      // is not applied now, maybe days after it was clicked.
      if (this.irreversible.has(entry.event)) {
        dequeue(entry);
        toast(this.socket.root, phrase("needs_connection"), { error: true });
        continue;
      }
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
    const shown = new Set();
    let prev = null;
    for (const record of this.records.values()) {
      shown.add(record.dom_id);
      let node = document.getElementById(record.dom_id);
      if (node && record.html && versionOf(node) !== record.version) {
        node = replaceKeepingInput(node, record.html);
      } else if (!node && record.html) {
        node = fragment(record.html);
        if (prev) prev.after(node);
        else list.prepend(node);
      }
      if (node) {
        node.dataset.rtuxV = record.version;
        prev = node;
        place(this.root, node);
      }
    }
    // This topic's elements (their ids start with its prefix) the server no longer has.
    const ours = CSS.escape(this.domId(""));
    queryAll(this.root, "[data-rtux-list]").forEach((aList) => {
      queryAll(aList, `:scope > [id^="${ours}"]`).forEach((node) => {
        if (!shown.has(node.id)) node.remove();
      });
    });
    // "Load more" after the list while the topic has more.
    let more = this.root.querySelector("[data-rtux-more]");
    if (this.more && !more) {
      more = element("button", "rtux-more", phrase("load_more"));
      more.type = "button";
      more.dataset.rtuxMore = "";
      list.after(more);
    }
    if (more) more.hidden = !this.more;
    this.seen(this.records.keys());
    this.drafted();
  }

  // The drafts the server kept for this user, filled into their records'
  // forms with "Draft restored from …" and Discard (which empties it here and there).
  drafted() {
    this.drafts.forEach((draft, id) => {
      const form = this.root.querySelector(`form[data-rtux-draft][data-rtux-id="${CSS.escape(id)}"]`);
      if (!form || form.dataset.rtuxDrafted) return;
      form.dataset.rtuxDrafted = "1";
      for (const input of form.elements) {
        if (!input.name) continue;
        // A checkbox's draft holds it only when it was checked (as FormData has it).
        if (input.type === "checkbox") input.checked = input.name in draft.data;
        else if (input.name in draft.data) input.value = draft.data[input.name];
      }
      const notice = fromTemplate("draft", "rtux-draft");
      notice.querySelector("time").textContent = new Date(draft.saved_at).toLocaleString();
      notice.querySelector("button").onclick = () => {
        this.channel.push("draft:discard", { id });
        this.drafts.delete(id);
        form.reset();
        notice.remove();
        delete form.dataset.rtuxDrafted;
      };
      form.prepend(notice);
    });
  }

  // A change another page made (or this one, echoed): removed, replaced in
  // place, or inserted where the server says; an older version than the page
  // knows is ignored.
  patch(patch) {
    const record = patch.record;
    if (patch.op === "remove") {
      if (this.records) this.records.delete(patch.id);
      const node = document.getElementById(patch.dom_id);
      if (node) node.remove();
      return;
    }
    const known = this.records && record && this.records.get(record.id);
    if (known && known.version >= record.version) return;
    if (record) this.know({ id: record.id, version: record.version, dom_id: patch.dom_id, html: patch.html }, null);
    const existing = document.getElementById(patch.dom_id);
    if (existing) {
      if (patch.html) {
        const node = replaceKeepingInput(existing, patch.html);
        if (record) node.dataset.rtuxV = record.version;
        place(this.root, node);
        highlight(node);
      }
      return;
    }
    // A list still loading shows the insert when it arrives.
    if (patch.op !== "insert" || !patch.html || this.root.querySelector("[data-rtux-async][aria-busy]")) return;
    const node = fragment(patch.html);
    if (record) node.dataset.rtuxV = record.version;
    const after = patch.after && document.getElementById(patch.after);
    if (after) after.after(node);
    else if (patch.at === 0) this.list.prepend(node);
    else this.list.append(node);
    place(this.root, node);
    highlight(node);
  }
}

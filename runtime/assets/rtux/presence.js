// rtux.js, presence: Presence: who is here, typing, which field, cursors; full state or summaries.
import {
  AVATARS_SHOWN, CURSOR_EVERY, IDLE_AFTER, REFRESH_EVERY, TYPING_EVERY,
  element, fromTemplate, phrase, queryAll,
} from "./core.js";
import { emit } from "./hooks.js";

// An avatar that leaves fades out for this long before it is removed.
const AVATAR_LEAVING_MS = 300;
// What counts as activity (anything else for a while: idle).
const ACTIVITY_EVENTS = ["mousemove", "keydown", "scroll", "touchstart", "pointerdown"];

// Who is typing, in the server's words: `count` is how many are, when a
// summary names only some of them.
const typingText = (names, count = names.length) => {
  if (names.length === 0 || count === 0) return "";
  if (count === 1) return phrase("typing_one", { a: names[0] });
  if (count === 2 && names.length === 2) return phrase("typing_two", { a: names[0], b: names[1] });
  return phrase("typing_many", { a: names[0], n: count - 1 });
};

// Initials: "Swift Otter" is SO, "Ana" is A.
const initials = (name) =>
  name.split(/\s+/).filter(Boolean).slice(0, 2).map((word) => word[0]).join("").toUpperCase();

// The metas of a presence entry without those whose phx_ref is in `gone`.
const withoutRefs = (metas, gone) => {
  const refs = new Set(gone.map((meta) => meta.phx_ref));
  return metas.filter((meta) => !refs.has(meta.phx_ref));
};

// Presence: state synced from presence_state / presence_diff (by phx_ref), or
// in a large room from presence_summary (a count, the first users, who types).
export class PresenceView {
  constructor(socket, root) {
    this.socket = socket;
    this.root = root;
    // Presence key → its metas (one per connection).
    this.state = {};
    // {count, typing} while the server sends summaries, else null.
    this.summary = null;
    this.channel = socket.channel(root.dataset.rtuxPresence, {});
    const load = (presences) => {
      this.state = {};
      Object.entries(presences).forEach(([key, entry]) => {
        this.state[key] = entry.metas;
      });
    };
    this.channel.on("presence_state", (presences) => {
      this.summary = null;
      load(presences);
      this.changed();
    });
    this.channel.on("presence_summary", ({ count, typing, presences }) => {
      this.summary = { count, typing };
      load(presences);
      this.changed();
    });
    this.channel.on("presence_diff", ({ joins, leaves }) => {
      // A summary replaces the state whole; diffs then do not apply.
      if (this.summary) return;
      Object.entries(joins).forEach(([key, entry]) => {
        this.state[key] = withoutRefs(this.state[key] || [], entry.metas).concat(entry.metas);
      });
      Object.entries(leaves).forEach(([key, entry]) => {
        this.state[key] = withoutRefs(this.state[key] || [], entry.metas);
        if (this.state[key].length === 0) delete this.state[key];
      });
      this.changed();
    });
    this.wireInputs();
    this.wireActivity();
    // Cursors move in the element marked data-rtux-cursors: this one or one around it.
    const area = root.closest("[data-rtux-cursors]");
    if (area) this.wireCursors(area);
  }

  // Shows who is here now, and tells the hooks.
  changed() {
    this.render();
    emit("presence", { topic: this.channel.topic, presences: structuredClone(this.state), summary: this.summary });
  }

  send(event, payload = {}) {
    return this.channel.push(`presence:${event}`, payload);
  }

  // The app's fields this view speaks for: all of them, or those naming its topic.
  mine(node) {
    const field = node && node.closest && node.closest("[data-rtux-field]");
    const ours = field && (!field.dataset.rtuxTopic || field.dataset.rtuxTopic === this.channel.topic);
    return ours ? field : null;
  }

  fields() {
    return queryAll(this.socket.root, "[data-rtux-field]").filter((field) => this.mine(field));
  }

  // One entry per person: the first connection's meta, and what any of
  // their connections is doing.
  people() {
    return Object.entries(this.state).map(([key, metas]) => ({
      key,
      ...metas[0],
      typing: metas.some((meta) => meta.typing),
      fields: metas.map((meta) => meta.active_field).filter(Boolean),
      cursors: metas.map((meta) => meta.cursor).filter(Boolean),
    }));
  }

  render() {
    const people = this.people();
    const others = people.filter((person) => person.key !== this.socket.me);
    const total = this.summary ? this.summary.count : people.length;
    const stack = this.root.querySelector("[data-rtux-avatars]");
    if (stack) this.renderAvatars(stack, people, total);
    const viewing = this.root.querySelector("[data-rtux-viewing]");
    if (viewing) viewing.textContent = total === 1 ? phrase("viewing_one") : phrase("viewing_many", { n: total });
    const typing = this.root.querySelector("[data-rtux-typing]");
    if (typing) this.renderTyping(typing, people, others);
    this.fields().forEach((input) => this.renderBadges(input, others));
    if (this.cursorLayer) this.renderCursors(others);
  }

  renderTyping(typing, people, others) {
    const names = others.filter((person) => person.typing).map((person) => person.name || person.key);
    // A summary counts everyone typing, this user too: the text is of the others.
    const meTyping = people.some((person) => person.key === this.socket.me && person.typing);
    const count = this.summary ? this.summary.typing - (meTyping ? 1 : 0) : names.length;
    const text = typingText(names, count);
    typing.replaceChildren();
    if (text) {
      const dots = element("span", "rtux-dots");
      dots.append(element("span"), element("span"), element("span"));
      typing.append(dots, element("span", "rtux-typing__text", text));
    }
  }

  // The badges of who else is in a field (or what they do there: data-rtux-doing).
  renderBadges(input, others) {
    const field = input.dataset.rtuxField;
    const holder = input.parentElement.querySelector(`[data-rtux-badges="${CSS.escape(field)}"]`) || this.newBadgeHolder(input, field);
    // Out of the flow, on the input's top right corner: a badge never moves the page.
    if (getComputedStyle(holder).position === "absolute") {
      if (getComputedStyle(input.parentElement).position === "static") input.parentElement.style.position = "relative";
      Object.assign(holder.style, { top: `${input.offsetTop}px`, left: `${input.offsetLeft + input.offsetWidth}px` });
    }
    const here = others.filter((person) => person.fields.includes(field));
    holder.replaceChildren(...here.map((person) => {
      const name = person.name || person.key;
      const text = input.dataset.rtuxDoing ? phrase(input.dataset.rtuxDoing, { name }) : name;
      const badge = element("span", "rtux-field-badge", text);
      badge.style.setProperty("--rtux-color", person.color);
      return badge;
    }));
  }

  newBadgeHolder(input, field) {
    const holder = element("span", "rtux-field-badges");
    holder.dataset.rtuxBadges = field;
    input.after(holder);
    return holder;
  }

  renderAvatars(stack, people, total) {
    const wanted = people.slice(0, AVATARS_SHOWN);
    const keep = new Set(wanted.map((person) => person.key));
    const leaving = (avatar) => avatar.classList.contains("rtux-avatar--leaving");
    queryAll(stack, ".rtux-avatar[data-user]").forEach((avatar) => {
      if (keep.has(avatar.dataset.user) || leaving(avatar)) return;
      avatar.classList.add("rtux-avatar--leaving");
      setTimeout(() => avatar.remove(), AVATAR_LEAVING_MS);
    });
    wanted.forEach((person) => {
      let avatar = queryAll(stack, ".rtux-avatar[data-user]").find((a) => a.dataset.user === person.key && !leaving(a));
      if (!avatar) {
        avatar = fromTemplate("avatar", "rtux-avatar");
        avatar.dataset.user = person.key;
        stack.append(avatar);
      }
      const name = person.name || person.key;
      avatar.textContent = initials(name);
      avatar.title = name;
      avatar.style.setProperty("--rtux-color", person.color);
      avatar.classList.toggle("rtux-avatar--idle", person.status === "idle");
      avatar.classList.toggle("rtux-avatar--stale", !!person.stale);
    });
    let more = stack.querySelector(".rtux-avatar--more");
    if (total > AVATARS_SHOWN) {
      if (!more) {
        more = element("span", "rtux-avatar rtux-avatar--more");
        stack.append(more);
      }
      more.textContent = phrase("overflow", { n: total - AVATARS_SHOWN });
    } else if (more) {
      more.remove();
    }
  }

  wireInputs() {
    // When the last typing event went, and the one held back to cover the last keystroke.
    let lastTyping = 0;
    let trailing = null;
    const app = this.socket.root;
    app.addEventListener("focusin", (event) => {
      const field = this.mine(event.target);
      if (field) this.send("focus", { field: field.dataset.rtuxField });
    });
    app.addEventListener("focusout", (event) => {
      if (!this.mine(event.target)) return;
      clearTimeout(trailing);
      trailing = null;
      this.send("blur");
      this.send("stop_typing");
      lastTyping = 0;
    });
    // At most one typing event per 500 ms, the last keystroke always covered:
    // the indicator then clears 3 s (server TTL) after the user stops.
    const sendTyping = () => {
      lastTyping = Date.now();
      this.send("typing");
    };
    app.addEventListener("input", (event) => {
      if (!this.mine(event.target)) return;
      const wait = TYPING_EVERY - (Date.now() - lastTyping);
      if (wait <= 0) {
        sendTyping();
      } else if (!trailing) {
        trailing = setTimeout(() => {
          trailing = null;
          sendTyping();
        }, wait);
      }
    });
  }

  wireActivity() {
    let idle = false;
    let timer;
    const active = () => {
      if (idle) {
        idle = false;
        this.send("status", { status: "active" });
      }
      clearTimeout(timer);
      const idleAfter = Number(this.socket.root.dataset.rtuxIdleMs) || IDLE_AFTER;
      timer = setTimeout(() => {
        idle = true;
        this.send("status", { status: "idle" });
      }, idleAfter);
    };
    ACTIVITY_EVENTS.forEach((name) => window.addEventListener(name, active, { passive: true }));
    active();
    // A hidden page stops refreshing: the server marks it stale (away).
    setInterval(() => {
      if (!document.hidden) this.send("refresh");
    }, REFRESH_EVERY);
  }

  wireCursors(area) {
    this.cursorLayer = element("div", "rtux-cursors");
    area.append(this.cursorLayer);
    // At most one position per CURSOR_EVERY: the latest is held until it may go.
    let lastSent = 0;
    let held = null;
    let timer = null;
    const flush = () => {
      clearTimeout(timer);
      timer = null;
      lastSent = Date.now();
      if (held) {
        this.send("cursor", held);
        held = null;
      }
    };
    area.addEventListener("pointermove", (event) => {
      const box = area.getBoundingClientRect();
      held = { x: Math.round(event.clientX - box.left), y: Math.round(event.clientY - box.top) };
      const wait = CURSOR_EVERY - (Date.now() - lastSent);
      if (wait <= 0) flush();
      else if (!timer) timer = setTimeout(flush, wait);
    });
  }

  renderCursors(others) {
    const cursors = others.flatMap((person) => person.cursors.map((cursor) => {
      const marker = element("span", "rtux-cursor", person.name || person.key);
      // Idle (no input for a while) or away (its page hidden or asleep: stale).
      marker.classList.toggle("rtux-cursor--idle", person.status === "idle" || !!person.stale);
      marker.style.setProperty("--rtux-color", person.color);
      marker.style.transform = `translate(${Number(cursor.x) || 0}px, ${Number(cursor.y) || 0}px)`;
      return marker;
    }));
    this.cursorLayer.replaceChildren(...cursors);
  }
}

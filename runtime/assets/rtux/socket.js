// rtux.js, socket: The socket: connection, heartbeats, reconnection with backoff, token renewal, the banner.
import { BANNER_AFTER, EXTENDED_AFTER, HEARTBEAT, claimsOf, queryAll } from "./core.js";
import { Channel, offlineReply } from "./channel.js";
import { emit } from "./hooks.js";

// A reply not received by then is a timeout (a transient answer: the op is retried).
const REPLY_TIMEOUT = 10000;
// Reconnection: fast first tries, then every 5 s, each with ±20% jitter.
const RECONNECT_DELAYS = [100, 500, 1000, 2000, 3000];
const RECONNECT_DELAY_MAX = 5000;
// With no usable token (signed out, or no way to renew), tried again this often.
const NO_TOKEN_RETRY = 5000;
// A token expiring within this long is renewed before connecting.
const EXPIRY_MARGIN = 5000;
// The close codes above this are the server ending the token: 4001 at its
// expiry, 4003 at its session's end.
const TOKEN_CLOSED = 4000;
const CONNECTION_STATES = ["connected", "disconnected", "error"];

export class Socket {
  constructor(root) {
    this.root = root;
    this.token = root.dataset.rtuxToken || "";
    // Who the page was rendered for (display only: the server decides).
    this.me = claimsOf(this.token).sub || null;
    const base = (root.dataset.rtuxSocket || "/socket").replace(/\/$/, "");
    const absolute = /^wss?:/.test(base) ? base : location.origin.replace(/^http/, "ws") + base;
    // The URL to connect to, but for the token at its end.
    this.base = `${absolute}/websocket?vsn=2.0.0&token=`;
    this.channels = [];
    // Ref → the function resolving that frame's reply.
    this.pending = new Map();
    this.next = 0;
    // Reconnection attempts since the socket was last open.
    this.tries = 0;
    this.ws = null;
    // The assets' version when this page first connected.
    this.version = null;
    this.downSince = null;
    this.listeners = [];
    // Told `true` once the page has been offline for the banner's delay, and
    // `false` when it is connected again: what a blip must not show.
    this.heldListeners = [];
    this.held = false;
    // Whether the token must be renewed before the next connect, whatever its expiry.
    this.renew = false;
    // Whether the renewal said this browser is signed out (or someone else now).
    this.out = false;
    // What needs the connection is disabled while held (not on a blip).
    this.onHeld((held) => queryAll(root, "[data-requires-connection]").forEach((node) => {
      node.disabled = held;
      node.toggleAttribute("aria-disabled", held);
    }));
  }

  ref() {
    this.next += 1;
    return String(this.next);
  }

  onState(fn) {
    this.listeners.push(fn);
  }

  onHeld(fn) {
    this.heldListeners.push(fn);
  }

  // Offline for the banner's delay (true), or connected again (false).
  hold(held) {
    if (held === this.held) return;
    this.held = held;
    this.heldListeners.forEach((fn) => fn(held));
  }

  // One channel per topic: views of one topic (its records, its presence) share it.
  channel(topic, params = {}) {
    const found = this.channels.find((c) => c.topic === topic);
    if (found) return found;
    const channel = new Channel(this, topic, params);
    this.channels.push(channel);
    if (this.isOpen()) channel.join();
    return channel;
  }

  isOpen() {
    return this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  // Sends a frame; resolves with its reply, an offline answer, or a timeout.
  send(frame) {
    return new Promise((resolve) => {
      if (!this.isOpen()) return resolve(offlineReply("not connected"));
      const ref = frame[1];
      this.pending.set(ref, resolve);
      this.ws.send(JSON.stringify(frame));
      setTimeout(() => {
        if (this.pending.delete(ref)) resolve({ status: "timeout", response: {} });
      }, REPLY_TIMEOUT);
    });
  }

  // A token that has expired (or will within 5 s), or whose session ended, is
  // renewed first, from the page's `data-rtux-token-url`, instead of
  // reconnecting with a dead one. Whether there is a token to connect with.
  async fresh() {
    const expiry = claimsOf(this.token).exp;
    const alive = expiry && expiry * 1000 > Date.now() + EXPIRY_MARGIN;
    if (!this.renew && (!expiry || alive)) return true;
    const url = this.root.dataset.rtuxTokenUrl;
    if (!url) return false;
    try {
      const response = await fetch(url, { cache: "no-store" });
      // 401, or a token of someone else: signed out here (until signed in again).
      const { token } = response.status === 401 ? {} : await response.json();
      this.out = claimsOf(token).sub !== this.me;
      if (this.out) return false;
      this.token = token;
      this.renew = false;
      return true;
    } catch (_) {
      return false;
    }
  }

  async connect() {
    if (!(await this.fresh())) {
      // Signed out, or no way to renew: the page must be reloaded.
      this.setState("error");
      return setTimeout(() => this.connect(), NO_TOKEN_RETRY);
    }
    const ws = new WebSocket(this.base + encodeURIComponent(this.token));
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.tries = 0;
      this.setState("connected");
      this.channels.forEach((channel) => channel.join());
      this.beat = setInterval(() => this.send([null, this.ref(), "phoenix", "heartbeat", {}]), HEARTBEAT);
      this.checkVersion();
    };
    ws.onmessage = (message) => this.receive(JSON.parse(message.data));
    ws.onclose = (event) => {
      // Closed at the token's expiry or its session's end: renew it first, at once.
      if (event.code > TOKEN_CLOSED) {
        this.tries = 0;
        this.renew = true;
      }
      clearInterval(this.beat);
      this.pending.forEach((resolve) => resolve(offlineReply("disconnected")));
      this.pending.clear();
      this.channels.forEach((channel) => {
        channel.joined = false;
      });
      this.setState(opened ? "disconnected" : "error");
      const delay = RECONNECT_DELAYS[this.tries] || RECONNECT_DELAY_MAX;
      const jitter = 0.8 + Math.random() * 0.4;
      this.tries += 1;
      setTimeout(() => this.connect(), delay * jitter);
    };
  }

  // A frame from the server: a reply to one of ours, or an event for the
  // channels of its topic (of their current join, when it names one).
  receive([joinRef, ref, topic, event, payload]) {
    if (event === "phx_reply" && this.pending.has(ref)) {
      const resolve = this.pending.get(ref);
      this.pending.delete(ref);
      return resolve(payload);
    }
    this.channels
      .filter((channel) => channel.topic === topic && (joinRef === null || joinRef === channel.joinRef))
      .forEach((channel) => channel.emit(event, payload));
  }

  // Connection classes, data-requires-connection, and the delayed banners.
  setState(state) {
    const root = this.root;
    CONNECTION_STATES.forEach((s) => root.classList.toggle(`rtux-${s}`, s === state));
    this.listeners.forEach((fn) => fn(state));
    emit("connection", { state });
    const up = state === "connected";
    const signedOut = !up && this.out;
    root.classList.toggle("rtux-signed-out", signedOut);
    // What the page says of who is signed in follows (a nav outside the app's root too).
    queryAll(document, "[data-rtux-signed-in]").forEach((node) => {
      node.hidden = signedOut;
    });
    queryAll(document, "[data-rtux-signed-out]").forEach((node) => {
      node.hidden = !signedOut;
    });
    clearTimeout(this.bannerTimer);
    clearTimeout(this.extendedTimer);
    const banner = root.querySelector("[data-rtux-banner]");
    if (up) {
      this.downSince = null;
      this.hold(false);
      if (banner) {
        banner.hidden = true;
        banner.classList.remove("rtux-banner--extended");
      }
      return;
    }
    if (this.downSince === null) this.downSince = Date.now();
    const downFor = Date.now() - this.downSince;
    this.bannerTimer = setTimeout(() => {
      if (banner) banner.hidden = false;
      this.hold(true);
    }, Math.max(0, BANNER_AFTER - downFor));
    if (!banner) return;
    this.extendedTimer = setTimeout(() => banner.classList.add("rtux-banner--extended"), Math.max(0, EXTENDED_AFTER - downFor));
  }

  // "A new version is available" when the assets changed across a reconnect.
  checkVersion() {
    fetch("/_rtux/version", { cache: "no-store" })
      .then((response) => response.json())
      .then(({ assets }) => {
        if (this.version === null) this.version = assets;
        const notice = this.root.querySelector("[data-rtux-new-version]");
        if (notice && assets !== this.version) notice.hidden = false;
      })
      .catch(() => {});
  }
}

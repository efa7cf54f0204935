// rtux.js, socket: The socket: connection, heartbeats, reconnection with backoff, token renewal, the banner.
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
      if (!this.isOpen()) return resolve({ status: "error", response: { code: "offline", reason: "not connected" } });
      this.pending.set(frame[1], resolve);
      this.ws.send(JSON.stringify(frame));
      setTimeout(() => { if (this.pending.delete(frame[1])) resolve({ status: "timeout", response: {} }); }, 10000);
    });
  }
  // A token that has expired (or will within 5 s), or whose session ended, is
  // renewed first, from the page's `data-rtux-token-url`, instead of
  // reconnecting with a dead one.
  async fresh() {
    const exp = claimsOf(this.token).exp;
    if (!this.renew && (!exp || exp * 1000 > Date.now() + 5000)) return true;
    const url = this.root.dataset.rtuxTokenUrl;
    if (!url) return false;
    try {
      const r = await fetch(url, { cache: "no-store" });
      // 401, or a token of someone else: signed out here (until signed in again).
      const { token } = r.status == 401 ? {} : await r.json();
      this.out = claimsOf(token).sub !== this.me;
      if (this.out) return false;
      this.token = token;
      this.renew = 0;
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
      // Closed at the token's expiry (4001) or its session's end (4003): renew
      // it first, at once.
      if (e.code > 4000) { this.tries = 0; this.renew = 1; }
      clearInterval(this.beat);
      this.pending.forEach((resolve) => resolve({ status: "error", response: { code: "offline", reason: "disconnected" } }));
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
    const out = !up && !!this.out;
    r.classList.toggle("rtux-signed-out", out);
    // What the page says of who is signed in follows (a nav outside the app's root too).
    $$(document, "[data-rtux-signed-in]").forEach((e) => { e.hidden = out; });
    $$(document, "[data-rtux-signed-out]").forEach((e) => { e.hidden = !out; });
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

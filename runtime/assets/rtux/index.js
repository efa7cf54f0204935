// rtux.js, index: The entry point: evaluates every module, then starts once the page is parsed.
// esbuild bundles from here (`npm run --prefix runtime/assets build`).
// Modules evaluate in this order, each after those it imports. Three do
// work as they load, still in the order they always did: core (reads
// document.currentScript, which exists only while the script first runs, and
// the server's words), outbox (this tab's client id and the page's user),
// then this module, which starts rtux. The others only define.
import "./core.js";
import "./hooks.js";
import "./channel.js";
import "./socket.js";
import "./toast.js";
import "./announce.js";
import "./presence.js";
import "./optimistic.js";
import "./patches.js";
import "./outbox.js";
import "./sortable.js";
import "./forms.js";
import "./refs.js";
import "./irreversible.js";
import "./previews.js";
import "./resource.js";
import "./live.js";
import "./loading.js";
import { start } from "./start.js";

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();

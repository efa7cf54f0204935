// A generated app as a real process, for its browser tests: started as
// `cargo run` would start it (APP_BIN in APP_DIR, on PORT with DATABASE_URL, all
// given by cli/tests/scaffold_e2e.rs), killed with SIGKILL to see what a person
// sees when the server goes away, and started again on the same port and store.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const { APP_BIN, APP_DIR, APP_PORT, APP_DATABASE_URL } = process.env;
if (!APP_BIN) throw new Error("run through `cargo test -p rtux-cli --test scaffold_e2e`, which builds the app");

export const URL_ = `http://127.0.0.1:${APP_PORT}`;

let child = null;

// Every line the app printed on stdout, across restarts.
export const printed = [];

// Starts the app; resolves once it prints the URL it serves.
export const start = () => new Promise((resolve, reject) => {
  const env = { ...process.env, PORT: APP_PORT, DATABASE_URL: APP_DATABASE_URL };
  delete env.RTUX_SECRET;
  child = spawn(APP_BIN, [], { cwd: APP_DIR, env, stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const timer = setTimeout(() => reject(new Error("the app did not print its URL within 30 s")), 30000);
  lines.on("line", (line) => {
    printed.push(line);
    if (line.includes(URL_)) { clearTimeout(timer); resolve(); }
  });
  child.on("exit", (code) => { clearTimeout(timer); reject(new Error(`the app exited (${code}) before serving`)); });
});

// Kills the app at once (SIGKILL: no goodbye to its sockets).
export const kill = () => new Promise((resolve) => {
  if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
  child.removeAllListeners("exit");
  child.on("exit", () => resolve());
  child.kill("SIGKILL");
});

process.on("exit", () => { if (child && child.exitCode === null) child.kill("SIGKILL"); });

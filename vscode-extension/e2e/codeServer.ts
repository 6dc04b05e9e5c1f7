// Runs a real VS Code (code-server) for the end-to-end test: install (cached per machine), install a .vsix into
// a fresh extensions dir, start on a free 127.0.0.1 port with throwaway user data, and stop it again.
// Everything it writes lives under one temp directory, so runs never see each other's state.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const here = import.meta.dirname;

/** Installs code-server into the per-machine cache (a no-op once cached); returns the install dir. */
export async function installCodeServer(): Promise<string> {
  const { stdout } = await run("bash", [path.join(here, "install-code-server.sh")], {
    maxBuffer: 64 << 20,
    timeout: 30 * 60_000,
  });
  const dir = stdout.trim().split("\n").at(-1);
  if (!dir) throw new Error("install-code-server.sh printed no install dir");
  return dir;
}

export interface Profile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  configHome: string;
}

/** A fresh user-data dir (with settings.json), extensions dir and XDG config home under `root`. */
export function makeProfile(root: string, settings: Record<string, unknown>): Profile {
  const p: Profile = {
    root,
    userDataDir: path.join(root, "user-data"),
    extensionsDir: path.join(root, "extensions"),
    configHome: path.join(root, "xdg-config"),
  };
  mkdirSync(path.join(p.userDataDir, "User"), { recursive: true });
  mkdirSync(p.extensionsDir, { recursive: true });
  mkdirSync(p.configHome, { recursive: true });
  writeFileSync(
    path.join(p.userDataDir, "User", "settings.json"),
    JSON.stringify({ ...quietSettings, ...settings }, null, 2),
  );
  return p;
}

// Keeps the workbench still and offline: no welcome page, no trust prompt, no update or gallery checks.
const quietSettings = {
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.welcomePage.walkthroughs.openOnInstall": false,
  "security.workspace.trust.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "chat.commandCenter.enabled": false,
  "window.commandCenter": false,
  "git.enabled": false,
  "editor.codeLens": true,
  // The chat panel would take a third of every screenshot; the test opens it when it needs it.
  "workbench.secondarySideBar.defaultVisibility": "hidden",
};

function envFor(p: Profile): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CONFIG_HOME: p.configHome, XDG_DATA_HOME: path.join(p.root, "xdg-data") };
}

export async function installExtension(csDir: string, p: Profile, vsix: string): Promise<string> {
  const { stdout, stderr } = await run(
    path.join(csDir, "code-server"),
    ["--user-data-dir", p.userDataDir, "--extensions-dir", p.extensionsDir, "--install-extension", vsix],
    { env: envFor(p), timeout: 180_000, maxBuffer: 16 << 20 },
  );
  return stdout + stderr;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningCodeServer {
  url: string;
  /** Everything code-server printed so far (its log names activation errors). */
  output(): string;
  stop(): Promise<void>;
}

export async function startCodeServer(
  csDir: string,
  p: Profile,
  opts: { folder: string; env?: Record<string, string> },
): Promise<RunningCodeServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    path.join(csDir, "code-server"),
    [
      "--auth",
      "none",
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--user-data-dir",
      p.userDataDir,
      "--extensions-dir",
      p.extensionsDir,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--disable-getting-started-override",
      opts.folder,
    ],
    { env: { ...envFor(p), ...opts.env }, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let out = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once("exit", r));
    // The process group: code-server forks the VS Code server and extension hosts.
    process.kill(-child.pid, "SIGTERM");
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return { url, output: () => out, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`code-server did not answer /healthz within 60 s:\n${out}`);
}

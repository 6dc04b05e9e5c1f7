// The official A2A conformance kit (../shared/a2a-tck, A2A v1.0) against the product's own A2A stack: the scenario
// agent of scripts/a2a-tck-sut.mjs on `isa serve --role a2a`'s fastify routes, cards, task store and auth. Every MUST
// requirement on the transport our cards declare (JSON-RPC) and on the card must pass; the only requirements allowed
// to be skipped are those of capabilities the card declares absent (push notifications, the extended card). Also:
// the product's real agent cards validate against the kit's v1.0 Agent Card schema whatever A2A-Version is sent.
import type { ChildProcess } from "node:child_process";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, "..");
const built = existsSync(path.join(repo, "backend", "server", "dist", "a2a", "tckScenario.js"));
const kit = path.join(repo, "..", "shared", "a2a-tck");
// Outside CI a missing build or kit skips (with the reason printed); in CI it must run, so a broken setup fails.
const ready = process.env.CI === "true" || (built && existsSync(kit));
if (!ready) process.stderr.write("A2A TCK test skipped: needs `npx tsc -b` and ../shared/a2a-tck\n");

const TOKEN = "tck-e2e-token-0123456789";
/** Requirements of capabilities our cards declare absent: the kit skips them, and that is conformant. */
const ABSENT_CAPABILITY = /^(PUSH-|CARD-EXT-|CORE-CAP-)/;

interface Requirement {
  readonly level: string;
  readonly status: string;
  readonly transports: Record<string, string>;
  readonly errors: string[];
}

function startSut(): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, [path.join(repo, "scripts", "a2a-tck-sut.mjs"), "--port", "0"], {
    env: { ...process.env, A2A_AUTH_TOKEN: TOKEN },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`SUT did not start: ${out}`)), 60_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /A2A TCK SUT ready: (\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ proc, url: m[1] });
      }
    };
    proc.stdout?.on("data", onData);
    proc.stderr?.on("data", onData);
    proc.once("exit", (code) => reject(new Error(`SUT exited ${code}: ${out}`)));
  });
}

describe.skipIf(!ready)("A2A TCK (official conformance kit, MUST level, JSON-RPC)", () => {
  let sut: { proc: ChildProcess; url: string };
  let tck: string;
  let work: string;

  beforeAll(async () => {
    if (!existsSync(kit)) throw new Error(`the A2A TCK is missing at ${kit} (../shared/a2a-tck)`);
    // Idempotent: the venv is cached (scripts/test.sh runs it before vitest, so this is a check).
    const { stdout } = await run("bash", [path.join(repo, "scripts", "install-a2a-tck.sh")], {
      timeout: 600_000,
    });
    tck = stdout.trim().split("\n").pop() ?? "";
    if (!existsSync(path.join(tck, ".venv", "bin", "python")))
      throw new Error(`the A2A TCK venv is missing under ${tck}: run scripts/install-a2a-tck.sh`);
    work = mkdtempSync(path.join(tmpdir(), "isa-tck-"));
    sut = await startSut();
  }, 660_000);

  afterAll(() => {
    sut?.proc.kill("SIGTERM");
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("passes every MUST requirement on JSON-RPC and the agent card", async () => {
    // The kit writes reports/ into its own folder: run it from a private copy of run_tck's cwd via --report-dir if
    // it had one; it does not, so each run clears the cached copy's reports first.
    rmSync(path.join(tck, "reports"), { recursive: true, force: true });
    await run(
      path.join(tck, ".venv", "bin", "python"),
      [
        "run_tck.py",
        "--sut-host",
        sut.url,
        "--level",
        "must",
        "--transport",
        "jsonrpc",
        "--",
        "-p",
        "tck_auth",
      ],
      {
        cwd: tck,
        env: { ...process.env, A2A_AUTH_TOKEN: TOKEN, PYTHONPATH: "local" },
        timeout: 300_000,
        maxBuffer: 64 << 20,
      },
    ).catch((e: { stdout?: string; code?: number }) => {
      // A failing requirement makes pytest exit 1; the report below says which (and fails the test).
      if (!existsSync(path.join(tck, "reports", "compatibility.json"))) throw e;
    });
    const report = JSON.parse(readFileSync(path.join(tck, "reports", "compatibility.json"), "utf8")) as {
      per_requirement: Record<string, Requirement>;
      per_transport: Record<string, { passed: number; failed: number; skipped: number }>;
    };
    writeFileSync(path.join(work, "compatibility.json"), JSON.stringify(report));
    const must = Object.entries(report.per_requirement).filter(([, r]) => r.level === "MUST");
    const problems = must.flatMap(([id, r]) =>
      ["jsonrpc", "agent_card"].flatMap((t) => {
        const s = r.transports[t];
        if (s === undefined || s === "PASS") return [];
        if (s === "SKIPPED" && ABSENT_CAPABILITY.test(id)) return [];
        return [`${id} (${t}): ${s} ${r.errors.join("; ").slice(0, 300)}`];
      }),
    );
    expect(problems).toEqual([]);
    const jsonrpc = report.per_transport.jsonrpc;
    process.stdout.write(
      `A2A TCK MUST, JSON-RPC: ${jsonrpc?.passed} passed, ${jsonrpc?.failed} failed, ${jsonrpc?.skipped} skipped\n`,
    );
    expect(jsonrpc?.failed).toBe(0);
    // Enough requirements ran for the pass to mean something (the kit found the server and its card).
    expect(jsonrpc?.passed).toBeGreaterThanOrEqual(70);
    expect(report.per_transport.agent_card?.passed).toBeGreaterThan(0);
  }, 360_000);

  it("the product's agent cards validate against the v1.0 Agent Card schema for any A2A-Version but 0.3", async () => {
    const cards: { name: string; card: unknown }[] = [];
    for (const agent of ["docs", "dev", "root"]) {
      for (const version of [undefined, "1.0"]) {
        const res = await fetch(`${sut.url}/agents/${agent}/.well-known/agent-card.json`, {
          headers: version ? { "A2A-Version": version } : {},
        });
        cards.push({ name: `${agent} (A2A-Version: ${version ?? "none"})`, card: await res.json() });
      }
    }
    const file = path.join(work, "cards.json");
    writeFileSync(file, JSON.stringify(cards));
    // The kit's own validator (it resolves the schema's custom $refs), as CARD-STRUCT-001 uses it.
    const check = `
import json, sys
from pathlib import Path
from tck.validators.json_schema import JSONSchemaValidator
v = JSONSchemaValidator(Path("specification/a2a.json"))
bad = []
for c in json.load(open(sys.argv[1])):
    r = v.validate(c["card"], "Agent Card")
    if not r.valid: bad.append(c["name"] + ": " + "; ".join(r.errors[:3]))
print(json.dumps(bad))
`;
    const { stdout } = await run(path.join(tck, ".venv", "bin", "python"), ["-c", check, file], { cwd: tck });
    expect(JSON.parse(stdout)).toEqual([]);
    // A client that names 0.3 gets the v0.3 shape it can read (top-level url), by design.
    const legacy = (await (
      await fetch(`${sut.url}/agents/docs/.well-known/agent-card.json`, { headers: { "A2A-Version": "0.3" } })
    ).json()) as { url?: string };
    expect(legacy.url).toBe(`${sut.url}/agents/docs`);
  }, 60_000);
});

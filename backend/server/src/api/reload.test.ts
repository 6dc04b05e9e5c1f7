// ISA_TOKENS_FILE hot reload through the real app (app.inject) with a real file on disk: a token added to the file
// works without a restart, a removed one gets 401, a broken file keeps the last good set and is logged, and a
// Kubernetes-style Secret mount (the file a symlink whose target directory is swapped) is followed. The clock is
// injected: "5 s later" is a number, not a sleep.
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createAuthenticator, hashToken, TOKENS_CHECK_INTERVAL_MS } from "@isa/auth";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestCorpus, TestParts } from "../testkit/harness.js";
import { indexCorpus, testParts } from "../testkit/harness.js";
import { buildApp } from "./app.js";

const entry = (token: string, user: string, groups: string[] = []) =>
  `- token_sha256: ${hashToken(token)}\n  user: ${user}\n  groups: [${groups.join(", ")}]\n`;

/** Writes like an editor or `kubectl cp` should: a temp file renamed over the old one (atomic). */
function replaceFile(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

describe("ISA_TOKENS_FILE hot reload through the app", () => {
  let corpus: TestCorpus;
  let parts: TestParts;
  const dirs: string[] = [];
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    corpus = await indexCorpus({
      acme: { files: { "README.md": "# Acme\n\nThe vacation policy is generous.\n" } },
    });
    parts = await testParts(corpus);
  }, 120_000);
  afterAll(async () => {
    for (const a of apps) await a.close();
    await parts?.deps.runtime.close();
    corpus?.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** An app over a tokens file, its logged lines, and a clock the test moves. */
  function open(file: string) {
    let clock = 1_000_000;
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: "info" }, { write: (s: string) => lines.push(JSON.parse(s)) });
    const authenticator = createAuthenticator({ tokensFile: file, now: () => clock, logger });
    const app = buildApp(parts.config, { ...parts.deps, authenticator, logger: pino({ level: "silent" }) });
    apps.push(app);
    const search = async (token: string) =>
      (
        await app.inject({
          method: "POST",
          url: "/v1/search",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          payload: { query: "vacation policy" },
        })
      ).statusCode;
    return {
      search,
      lines,
      later: (ms = TOKENS_CHECK_INTERVAL_MS) => {
        clock += ms;
      },
    };
  }

  function tokensDir(): string {
    const d = mkdtempSync(path.join(tmpdir(), "isa-tokens-"));
    dirs.push(d);
    return d;
  }

  it("adds, removes and survives a broken file, logging the rejection once", async () => {
    const file = path.join(tokensDir(), "tokens.yaml");
    writeFileSync(file, entry("tok-alice", "alice", ["eng"]));
    const s = open(file);
    expect(await s.search("tok-alice")).toBe(200);
    expect(await s.search("tok-bob")).toBe(401);

    // Added: not before the check interval has passed, then without a restart.
    replaceFile(file, entry("tok-alice", "alice", ["eng"]) + entry("tok-bob", "bob"));
    expect(await s.search("tok-bob")).toBe(401);
    s.later();
    expect(await s.search("tok-bob")).toBe(200);
    expect(s.lines.some((l) => l.msg === "ISA_TOKENS_FILE reloaded" && l.tokens === 2)).toBe(true);

    // Removed: alice's token stops working after the next check.
    replaceFile(file, entry("tok-bob", "bob"));
    s.later();
    expect(await s.search("tok-alice")).toBe(401);
    expect(await s.search("tok-bob")).toBe(200);

    // Broken (bad YAML, then a bad entry, then empty, then missing): bob keeps working, each is logged once.
    const broken = ["- {token_sha256: [unclosed\n", "- token_sha256: abc\n  user: eve\n", "", undefined];
    for (const text of broken) {
      if (text === undefined) unlinkSync(file);
      else replaceFile(file, text);
      const before = s.lines.filter((l) => l.level === 50).length;
      for (let i = 0; i < 3; i++) {
        s.later();
        expect(await s.search("tok-bob"), JSON.stringify(text)).toBe(200);
        expect(await s.search("tok-eve")).toBe(401);
      }
      const errors = s.lines.filter((l) => l.level === 50);
      expect(errors.length, JSON.stringify(text)).toBe(before + 1);
      expect(errors.at(-1)?.keptTokens).toBe(1);
      expect(String(errors.at(-1)?.msg)).toMatch(/keeping the previous token set/);
    }

    // Fixed again: the new set applies.
    writeFileSync(file, entry("tok-carol", "carol"));
    s.later();
    expect(await s.search("tok-carol")).toBe(200);
    expect(await s.search("tok-bob")).toBe(401);
  });

  it("follows a Kubernetes Secret mount: ..data symlink swapped to a new directory", async () => {
    // Layout kubelet writes: tokens.yaml -> ..data/tokens.yaml, ..data -> ..2026_11_24_v1 (swapped by rename).
    const mount = tokensDir();
    const version = (name: string, text: string) => {
      mkdirSync(path.join(mount, name));
      writeFileSync(path.join(mount, name, "tokens.yaml"), text);
      symlinkSync(name, path.join(mount, "..data_tmp"));
      renameSync(path.join(mount, "..data_tmp"), path.join(mount, "..data"));
    };
    version("..v1", entry("tok-old", "old"));
    symlinkSync("..data/tokens.yaml", path.join(mount, "tokens.yaml"));
    const s = open(path.join(mount, "tokens.yaml"));
    expect(await s.search("tok-old")).toBe(200);

    version("..v2", entry("tok-new", "new"));
    rmSync(path.join(mount, "..v1"), { recursive: true });
    s.later();
    expect(await s.search("tok-new")).toBe(200);
    expect(await s.search("tok-old")).toBe(401);
  });

  it("a malformed or missing file at start still fails fast", () => {
    const dir = tokensDir();
    const bad = path.join(dir, "bad.yaml");
    writeFileSync(bad, "- token_sha256: abc\n  user: x\n");
    expect(() => createAuthenticator({ tokensFile: bad })).toThrow(/64 hex digits/);
    expect(() => createAuthenticator({ tokensFile: path.join(dir, "none.yaml") })).toThrow(/ISA_TOKENS_FILE/);
  });
});

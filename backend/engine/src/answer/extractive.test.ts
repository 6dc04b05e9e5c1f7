import type { Chunk } from "@isa/core";
// Extractive evidence selection: the sentences carrying the question's terms win, quoted verbatim with [n].
import { describe, expect, it } from "vitest";
import { chunk } from "../testkit/fakes.js";
import { renderEvidence, selectEvidence, splitSentences, splitUnits } from "./extractive.js";
import { stem, terms } from "./terms.js";

describe("terms", () => {
  it("lower-cases, drops stop words, stems, and splits identifiers while keeping them whole", () => {
    expect(terms("How do I rotate the API keys?")).toEqual(["rotate", "api", "key"]);
    expect(terms("maxRetryCount and max_retry_count")).toEqual(
      expect.arrayContaining(["maxretrycount", "max", "retry", "count", "max_retry_count"]),
    );
    expect(["deploys", "deployed", "deploying"].map(stem)).toEqual(["deploy", "deploy", "deploy"]);
    expect(["running", "policies", "retried", "classes", "status", "installed"].map(stem)).toEqual([
      "run",
      "policy",
      "retry",
      "class",
      "status",
      "install",
    ]);
  });
});

describe("splitUnits", () => {
  it("splits prose into sentences, keeps list items, table rows and whole code blocks, skips headings", () => {
    const text = [
      "# Deploying",
      "",
      "Deploys happen on weekdays, e.g. Monday. They need approval from ops.",
      "Use version 1.2.3 of the tool.",
      "",
      "- First item",
      "- Second item",
      "  continues here",
      "",
      "| key | value |",
      "|-----|-------|",
      "| port | 8080 |",
      "",
      "Run this:",
      "```bash",
      "make deploy",
      "```",
    ].join("\n");
    expect(splitUnits(text, "markdown")).toEqual([
      "Deploys happen on weekdays, e.g. Monday.",
      "They need approval from ops.",
      "Use version 1.2.3 of the tool.",
      "First item",
      "Second item continues here",
      "| key | value |",
      "| port | 8080 |",
      "Run this:",
      "```bash\nmake deploy\n```",
    ]);
  });

  it("treats code as lines, skipping bare punctuation", () => {
    expect(splitUnits("function f() {\n  return 1;\n}\n", "code")).toEqual(["function f() {", "return 1;"]);
  });

  it("does not split file names, versions or initials", () => {
    expect(splitSentences("Edit config.yaml and set v2.1 as J. Smith said. Then restart.")).toEqual([
      "Edit config.yaml and set v2.1 as J. Smith said.",
      "Then restart.",
    ]);
  });
});

describe("selectEvidence", () => {
  const deploy = chunk({
    path: "docs/deploy.md",
    text: [
      "Our team cares about reliability.",
      "To deploy the billing service, run `make deploy-billing` from the repository root.",
      "Deploys need approval from the ops group.",
      "Lunch is served at noon.",
    ].join("\n"),
  });
  const oncall = chunk({
    path: "docs/oncall.md",
    text: "The on-call rotation changes every Monday at 10:00 UTC. Pages go to the primary first.",
  });

  it("picks the sentences that contain the question's terms, best first, each with its citation", () => {
    const ev = selectEvidence("How do I deploy the billing service?", [
      { n: 1, chunk: deploy },
      { n: 2, chunk: oncall },
    ]);
    expect(ev[0]).toMatchObject({
      n: 1,
      text: "To deploy the billing service, run `make deploy-billing` from the repository root.",
    });
    expect(ev.map((e) => e.text)).not.toContain("Lunch is served at noon.");
    expect(ev.map((e) => e.text)).not.toContain("Our team cares about reliability.");
    expect(ev.every((e) => e.n === 1)).toBe(true);
    expect(renderEvidence(ev)).toMatch(
      /^To deploy the billing service, run `make deploy-billing` from the repository root\. \[1\]/,
    );
  });

  it("finds the answer in a lower-ranked source when that is where the terms are", () => {
    const ev = selectEvidence("When does the on-call rotation change?", [
      { n: 1, chunk: deploy },
      { n: 2, chunk: oncall },
    ]);
    expect(ev[0]).toMatchObject({ n: 2, text: "The on-call rotation changes every Monday at 10:00 UTC." });
  });

  it("quotes code in a fenced block, so a `# comment` is not read as a Markdown heading", () => {
    const c = chunk({
      path: "scripts/restart.sh",
      kind: "code",
      text: "#!/usr/bin/env bash\nset -euo pipefail\n# Restart every consumer after a rotation.\nkubectl rollout restart deploy/api\n",
    });
    const ev = selectEvidence("How do I restart the consumers after a rotation?", [{ n: 1, chunk: c }]);
    expect(ev[0]).toMatchObject({ code: true });
    const out = renderEvidence(ev);
    expect(out).toMatch(
      /^```\n# Restart every consumer after a rotation\.\nkubectl rollout restart deploy\/api\n```\n\[1\]$/,
    );
    // A backtick run inside the code gets a longer fence.
    expect(renderEvidence([{ n: 2, text: "echo ```x```", score: 1, code: true }])).toBe(
      "````\necho ```x```\n````\n[2]",
    );
  });

  it("quotes the block a sentence introduces, and puts a code block's citation on its own line", () => {
    const c = chunk({
      path: "docs/run.md",
      text: "To reset the cache, run:\n\n```sh\nisa cache reset --all\n```\n",
    });
    const ev = selectEvidence("How do I reset the cache?", [{ n: 1, chunk: c }]);
    expect(ev[0]?.text).toBe("To reset the cache, run:\n```sh\nisa cache reset --all\n```");
    expect(renderEvidence(ev)).toBe("To reset the cache, run:\n```sh\nisa cache reset --all\n```\n[1]");
  });

  it("matches identifiers in code through their parts", () => {
    const code = chunk({
      path: "src/retry.ts",
      kind: "code",
      text: "export const MAX_RETRY_COUNT = 5;\nexport const TIMEOUT_MS = 3000;\n",
    });
    const ev = selectEvidence("What is the max retry count?", [{ n: 1, chunk: code }]);
    expect(ev[0]?.text).toBe("export const MAX_RETRY_COUNT = 5;");
  });

  it("quotes a code comment together with the line it describes", () => {
    const code = chunk({
      path: "src/http/retry.ts",
      kind: "code",
      text: "// Retry policy for outbound HTTP calls.\nexport const MAX_RETRIES = 5;\nexport const BACKOFF_MS = 250;",
    });
    const ev = selectEvidence("How many times are outbound HTTP calls retried?", [{ n: 1, chunk: code }]);
    expect(ev[0]?.text).toBe("// Retry policy for outbound HTTP calls.\nexport const MAX_RETRIES = 5;");
  });

  it("falls back to the top source's opening when no term matches", () => {
    const ev = selectEvidence("Qué hora es?", [{ n: 1, chunk: oncall }]);
    expect(ev).toEqual([{ n: 1, text: "The on-call rotation changes every Monday at 10:00 UTC.", score: 0 }]);
  });

  it("respects maxUnits and maxPerSource", () => {
    const many = chunk({
      path: "docs/many.md",
      text: Array.from({ length: 10 }, (_, i) => `Backup step ${i} for the backup job.`).join(" "),
    });
    expect(selectEvidence("backup job", [{ n: 1, chunk: many }], { maxUnits: 5 })).toHaveLength(2);
    expect(
      selectEvidence("backup job", [{ n: 1, chunk: many }], { maxUnits: 5, maxPerSource: 9 }),
    ).toHaveLength(5);
  });
});

describe("selectEvidence: code boilerplate, lists, how-to steps, text around hits", () => {
  const script = chunk({
    path: "scripts/restart-consumers.sh",
    kind: "code",
    text: [
      "#!/usr/bin/env bash",
      "# Restart every deployment that reads the staging database, after a password rotation.",
      "set -euo pipefail",
      "",
      "restart_consumers() {",
      '  kubectl -n "$ns" rollout restart deploy/billing-api',
      "}",
    ].join("\n"),
  });

  it("never quotes shebangs, shell strict mode, imports or licence headers", () => {
    expect(splitUnits(script.text, "code")).toEqual([
      "# Restart every deployment that reads the staging database, after a password rotation.",
      "restart_consumers() {",
      'kubectl -n "$ns" rollout restart deploy/billing-api',
    ]);
    const ts = [
      "// Copyright 2024 Acme Inc.",
      "// Licensed under the Apache License, Version 2.0.",
      "// you may not use this file except in compliance with the License.",
      "",
      '"use strict";',
      'import { readFile } from "node:fs/promises";',
      'const path = require("node:path");',
      "export const PASSWORD_ROTATION_DAYS = 90;",
    ].join("\n");
    expect(splitUnits(ts, "code")).toEqual(["export const PASSWORD_ROTATION_DAYS = 90;"]);
    const ev = selectEvidence("How do I rotate the staging database password?", [{ n: 1, chunk: script }]);
    const quoted = ev.map((e) => e.text).join("\n");
    expect(quoted).toContain("# Restart every deployment that reads the staging database");
    expect(quoted).not.toMatch(/pipefail|#!/);
  });

  it("does not read a file's header comment as the comment of a line further down", () => {
    const ev = selectEvidence("password rotation staging database", [{ n: 1, chunk: script }]);
    expect(ev[0]?.text).toBe(
      "# Restart every deployment that reads the staging database, after a password rotation.",
    );
  });

  it("quotes the whole list a sentence introduces, with its markers, and keeps a list item whole", () => {
    const orgs = chunk({
      path: "docs/orgs.md",
      text: [
        "There are three levels of org users:",
        "",
        "1. Super admin, controls billing. Only one per org.",
        "2. Team admin, manages team membership.",
        "3. Developer, works on packages.",
        "",
        "Every org has a developers team.",
      ].join("\n"),
    });
    expect(splitUnits(orgs.text, "markdown")).toContain("Super admin, controls billing. Only one per org.");
    const ev = selectEvidence("What are the levels of org users?", [{ n: 1, chunk: orgs }]);
    expect(ev[0]?.text).toBe(
      [
        "There are three levels of org users:",
        "1. Super admin, controls billing. Only one per org.",
        "2. Team admin, manages team membership.",
        "3. Developer, works on packages.",
      ].join("\n"),
    );
  });

  const runbook = chunk({
    path: "runbooks/rotate.md",
    text: [
      "## Steps",
      "",
      "1. Generate a new password: `vault write -f database/rotate-role/staging-app`.",
      "2. Restart the consumers so they pick up the new secret.",
      "3. Check the connection pool metrics for five minutes.",
    ].join("\n"),
  });

  it("answers a how-to question with the steps under their heading, not one step", () => {
    const ev = selectEvidence("How do I rotate the staging database password?", [{ n: 1, chunk: runbook }]);
    expect(ev[0]?.text).toBe(
      [
        "Steps:",
        "1. Generate a new password: `vault write -f database/rotate-role/staging-app`.",
        "2. Restart the consumers so they pick up the new secret.",
        "3. Check the connection pool metrics for five minutes.",
      ].join("\n"),
    );
    expect(ev).toHaveLength(1);
    // Not asked how: the one step that says it.
    const which = selectEvidence("Which vault command generates the staging database password?", [
      { n: 1, chunk: runbook },
    ]);
    expect(which[0]?.text).toBe(
      "Generate a new password: `vault write -f database/rotate-role/staging-app`.",
    );
  });

  it("quotes text from around a hit only when it is clearly better than the hits' own", () => {
    const hitChunk = chunk({
      path: "docs/a.md",
      text: "The staging database password is rotated every 90 days.",
    });
    const same = chunk({
      path: "docs/a.md",
      startLine: 5,
      text: "The staging database password is rotated every 90 days by ops.",
    });
    const ev = selectEvidence("How often is the staging database password rotated?", [
      { n: 1, chunk: hitChunk },
      { n: 2, chunk: same, rank: 1, around: true },
    ]);
    expect(ev[0]?.n).toBe(1);
    const better = selectEvidence("How do I rotate the staging database password?", [
      { n: 1, chunk: chunk({ path: "docs/a.md", text: "Ask in the ops channel first." }) },
      { n: 2, chunk: runbook, rank: 1, around: true },
    ]);
    expect(better.map((e) => e.n)).toEqual([2]);
  });
});

describe("answers open with what answers", () => {
  const code = (text: string): Chunk => ({
    id: "c",
    docId: "d",
    source: "s",
    path: "src/invoice.ts",
    title: "invoice.ts",
    headingPath: ["InvoiceNumberAllocator"],
    kind: "code",
    language: "typescript",
    startLine: 1,
    endLine: 10,
    text,
    acl: ["public"],
  });
  it("never opens with a bare declaration when a unit explains it", () => {
    const ev = selectEvidence("Can invoice numbers repeat?", [
      {
        n: 1,
        chunk: code(
          "export class InvoiceNumberAllocator {\n  private next: number;\n  /** Invoice numbers look like ACME-2026-000123 and never repeat. */\n  allocate(year: number): string {\n  }\n}",
        ),
      },
    ]);
    expect(ev[0]?.text).toContain("never repeat");
  });

  it("does not cut inside a quoted code block: it quotes whole lines and marks the quote as cut", () => {
    const long = Array.from({ length: 60 }, (_, i) => `echo step ${i} of the deploy`).join("\n");
    const doc: Chunk = {
      ...code(`# Deploy\n\n\`\`\`sh\n${long}\n\`\`\`\n`),
      kind: "markdown",
      headingPath: [],
    };
    const ev = selectEvidence("deploy step", [{ n: 1, chunk: doc }]);
    const block = ev.find((e) => e.text.startsWith("```"));
    expect(block?.cut).toBe(true);
    expect(block?.text).not.toContain("…");
    expect(renderEvidence(block ? [block] : [])).toContain("cut short");
  });
});

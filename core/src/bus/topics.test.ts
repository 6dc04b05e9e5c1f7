import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { concreteTopics, TOPIC_TABLE } from "./topics.js";

const DAY = 24 * 3_600_000;

describe("topic table", () => {
  it("agrees with the binding document (docs/a2a-kafka-binding.md §6)", () => {
    const md = readFileSync(new URL("../../../docs/a2a-kafka-binding.md", import.meta.url), "utf8");
    const section = md.slice(md.indexOf("## 6. Topics"), md.indexOf("## 7."));
    const rows = [
      ...section.matchAll(/^\|\s*`([a-z0-9.]+)`\s*\|\s*(\d+)\s*\|\s*(\d+) d\s*\|\s*([^|]*)\|\s*([^|]*)\|/gm),
    ];
    const documented = rows.map((m) => ({
      name: m[1],
      partitions: Number(m[2]),
      retentionMs: Number(m[3]) * DAY,
      retryDelaysMs: (m[4] ?? "")
        .trim()
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "—" && s !== "")
        .map((s) => Number(s.replace(/\s*s$/, "")) * 1000),
      dlq: (m[5] ?? "").includes(".dlq"),
    }));
    expect(documented).toEqual(TOPIC_TABLE.map((t) => ({ ...t })));
  });

  it("lists retry and dead-letter topics beside each base topic", () => {
    const names = concreteTopics().map((t) => t.name);
    expect(names).toContain("tasks.docs.retry.1");
    expect(names).toContain("tasks.docs.retry.2");
    expect(names).toContain("tasks.docs.dlq");
    expect(names).toContain("a2a.tasks.dlq");
    expect(names).not.toContain("a2a.events.dlq");
    expect(new Set(names).size).toBe(names.length);
    for (const t of TOPIC_TABLE) expect(names).toContain(t.name);
    expect(concreteTopics(TOPIC_TABLE, "test.").every((t) => t.name.startsWith("test."))).toBe(true);
  });
});

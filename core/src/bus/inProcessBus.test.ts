import { describe, expect, it } from "vitest";
import { describeBusConformance } from "../testkit/busConformance.js";
import { createInProcessBus } from "./inProcessBus.js";
import { murmur2, partitionForKey } from "./partition.js";

const partitions = new Map<string, number>();
describeBusConformance("in-process", () => ({
  async createTopic(topic, n) {
    partitions.set(topic, n);
  },
  async open() {
    return createInProcessBus({ partitions: (t) => partitions.get(t) });
  },
}));

describe("Kafka's default partitioner", () => {
  it("matches Kafka's murmur2 test vectors (UtilsTest.testMurmur2)", () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(murmur2(enc("21"))).toBe(-973932308);
    expect(murmur2(enc("foobar"))).toBe(-790332482);
    expect(murmur2(enc("a-little-bit-long-string"))).toBe(-985981536);
    expect(murmur2(enc("a-little-bit-longer-string"))).toBe(-1486304829);
    expect(murmur2(enc("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"))).toBe(-58897971);
    expect(murmur2(enc("abc"))).toBe(479470107);
  });

  it("spreads keys over every partition", () => {
    const hit = new Set(Array.from({ length: 200 }, (_, i) => partitionForKey(`task-${i}`, 12)));
    expect(hit.size).toBe(12);
  });
});

describe("in-process bus", () => {
  it("takes partition counts from the topic table", async () => {
    const bus = createInProcessBus();
    const seen = new Set<number>();
    const sub = await bus.subscribe({
      topics: ["a2a.tasks"],
      group: "router",
      handler: async (m) => {
        seen.add(m.partition);
      },
    });
    await bus.publish(
      "a2a.tasks",
      Array.from({ length: 300 }, (_, i) => ({ key: `task-${i}`, value: "{}" })),
    );
    expect(sub.assignment()["a2a.tasks"]).toHaveLength(12);
    await bus.close();
    expect(Math.max(...seen)).toBeLessThan(12);
  });

  it("does not grow without bound when nobody consumes", async () => {
    const bus = createInProcessBus({ maxRetainedPerPartition: 5, defaultPartitions: 1 });
    await bus.publish(
      "t",
      Array.from({ length: 50 }, (_, i) => ({ key: "k", value: String(i) })),
    );
    const got: string[] = [];
    await bus.subscribe({
      topics: ["t"],
      group: "late",
      fromBeginning: true,
      handler: async (m) => {
        got.push(m.value);
      },
    });
    while (got.length < 5) await new Promise((r) => setTimeout(r, 5));
    expect(got).toEqual(["45", "46", "47", "48", "49"]);
    await bus.close();
  });
});

// What every ConversationStore must do, as one suite run against each implementation (memory, PostgreSQL): the
// audience rule and the cap checked in the same step as the write, even under concurrent appends.
import type { ConversationStore, ConversationTurnRecord } from "@isa/core";
import { describe, expect, it } from "vitest";
import { newConversationId } from "../conversations.js";

export interface ConversationStoreHarness {
  /** A fresh store (data from earlier tests may remain; ids are random). */
  open(): Promise<ConversationStore>;
}

let n = 0;
export function turn(over: Partial<ConversationTurnRecord> = {}): ConversationTurnRecord {
  n++;
  return {
    question: `Question ${n}?`,
    answer: `Answer ${n} [1].`,
    citations: [
      {
        n: 1,
        chunkId: "c1",
        docId: "d1",
        source: "acme",
        path: "eng/deploy.md",
        title: "Deploying",
        headingPath: ["Deploying", "Staging"],
        startLine: 1,
        endLine: 4,
        score: 0.75,
      },
    ],
    abstained: false,
    traceId: "0123456789abcdef0123456789abcdef",
    at: new Date(Date.UTC(2026, 10, 24, 23, 0, n % 60)).toISOString(),
    ...over,
  };
}

const PUBLIC = ["public"];
const ENG = ["public", "eng"];
const ENG_FIN = ["public", "eng", "finance"];

export function describeConversationStore(name: string, h: ConversationStoreHarness): void {
  describe(`ConversationStore conformance: ${name}`, () => {
    it("creates with the first turn, reads it back whole, and refuses to create an existing id", async () => {
      const s = await h.open();
      const id = newConversationId();
      const t = turn({
        question: "Ünïcödé \u0000 NUL 😀 'quotes' \"and\" \\u0000 typed \\backslashes\\ <source>?",
      });
      const r = await s.append({ id, turn: t, groups: ENG, create: true, maxTurns: 50 });
      expect(r.ok).toBe(true);
      const got = await s.get(id);
      // A NUL may come back as U+FFFD (JSONB cannot hold it); everything else exactly.
      const back = got?.turns[0]?.question.replace(/\uFFFD/g, "\u0000");
      expect(back).toBe(t.question);
      expect({ ...got, turns: [{ ...got?.turns[0], question: t.question }] }).toEqual({
        id,
        createdAt: t.at,
        audience: ["eng", "public"],
        turns: [t],
      });
      expect(await s.append({ id, turn: turn(), groups: ENG, create: true, maxTurns: 50 })).toEqual({
        ok: false,
        reason: "exists",
      });
      expect((await s.get(id))?.turns).toHaveLength(1);
      await s.close();
    });

    it("stores any text: NUL and lone surrogates come back as themselves or as U+FFFD, the rest exactly", async () => {
      const s = await h.open();
      const nasty = [
        "a\u0000b",
        "\ud800",
        "x\udfffy",
        "\udc00\ud800",
        "😀\u202e\ufeff",
        "\\u0000",
        "\\\u0000",
      ];
      const fffd = (x: string) =>
        x
          .replaceAll(String.fromCharCode(0), "\ufffd")
          .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
      for (const question of nasty) {
        const id = newConversationId();
        const r = await s.append({ id, turn: turn({ question }), groups: ENG, create: true, maxTurns: 50 });
        expect(r.ok, JSON.stringify(question)).toBe(true);
        const back = (await s.get(id))?.turns[0]?.question;
        expect([question, fffd(question)], JSON.stringify(question)).toContain(back);
      }
      await s.close();
    });

    it("unknown ids: get is undefined, append is not-found", async () => {
      const s = await h.open();
      const id = newConversationId();
      expect(await s.get(id)).toBeUndefined();
      expect(await s.append({ id, turn: turn(), groups: ENG, create: false, maxTurns: 50 })).toEqual({
        ok: false,
        reason: "not-found",
      });
      expect(await s.get(id)).toBeUndefined();
      await s.close();
    });

    it("appends in order and widens the audience to the adder's groups", async () => {
      const s = await h.open();
      const id = newConversationId();
      const t1 = turn();
      const t2 = turn();
      await s.append({ id, turn: t1, groups: PUBLIC, create: true, maxTurns: 50 });
      const r = await s.append({ id, turn: t2, groups: ENG_FIN, create: false, maxTurns: 50 });
      expect(r.ok && r.conversation.turns).toEqual([t1, t2]);
      const got = await s.get(id);
      expect(got?.turns).toEqual([t1, t2]);
      expect([...(got?.audience ?? [])].sort()).toEqual(["eng", "finance", "public"]);
      await s.close();
    });

    it("refuses a principal whose groups do not cover the audience, writing nothing", async () => {
      const s = await h.open();
      const id = newConversationId();
      await s.append({ id, turn: turn(), groups: ENG, create: true, maxTurns: 50 });
      for (const groups of [PUBLIC, ["public", "finance"], []]) {
        expect(await s.append({ id, turn: turn(), groups, create: false, maxTurns: 50 })).toEqual({
          ok: false,
          reason: "not-visible",
        });
      }
      expect((await s.get(id))?.turns).toHaveLength(1);
      expect((await s.get(id))?.audience).toEqual(["eng", "public"]);
      await s.close();
    });

    it("refuses past maxTurns", async () => {
      const s = await h.open();
      const id = newConversationId();
      await s.append({ id, turn: turn(), groups: ENG, create: true, maxTurns: 3 });
      for (let i = 0; i < 2; i++) {
        expect((await s.append({ id, turn: turn(), groups: ENG, create: false, maxTurns: 3 })).ok).toBe(true);
      }
      expect(await s.append({ id, turn: turn(), groups: ENG, create: false, maxTurns: 3 })).toEqual({
        ok: false,
        reason: "full",
      });
      expect((await s.get(id))?.turns).toHaveLength(3);
      await s.close();
    });

    it("concurrent appends: exactly maxTurns land, none lost or duplicated", async () => {
      const s = await h.open();
      const id = newConversationId();
      await s.append({ id, turn: turn(), groups: ENG, create: true, maxTurns: 8 });
      const turns = Array.from({ length: 20 }, () => turn());
      const results = await Promise.all(
        turns.map((t) => s.append({ id, turn: t, groups: ENG, create: false, maxTurns: 8 })),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(7);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === "full")).toBe(true);
      const got = await s.get(id);
      expect(got?.turns).toHaveLength(8);
      expect(new Set(got?.turns.map((t) => t.question)).size).toBe(8);
      await s.close();
    });

    it("what get returns is a copy: changing it changes nothing stored", async () => {
      const s = await h.open();
      const id = newConversationId();
      await s.append({ id, turn: turn(), groups: ENG, create: true, maxTurns: 50 });
      const got = await s.get(id);
      if (!got) throw new Error("stored conversation not found");
      (got.turns as ConversationTurnRecord[]).push(turn());
      (got.audience as string[]).pop();
      const again = await s.get(id);
      expect(again?.turns).toHaveLength(1);
      expect(again?.audience).toEqual(["eng", "public"]);
      await s.close();
    });
  });
}

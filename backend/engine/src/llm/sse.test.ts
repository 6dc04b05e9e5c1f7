// SSE parser edge cases: every way a network read or a server's line ending can split an event.
import { describe, expect, it } from "vitest";
import { parseSse } from "./sse.js";

async function collect(pieces: Array<string | Uint8Array>) {
  const enc = new TextEncoder();
  async function* src() {
    for (const p of pieces) yield typeof p === "string" ? enc.encode(p) : p;
  }
  const out = [];
  for await (const ev of parseSse(src())) out.push(ev);
  return out;
}

describe("parseSse", () => {
  it("parses LF events, skips comments and joins multi-line data with \\n", async () => {
    const evs = await collect([': keep-alive\n\ndata: a\ndata: b\n\nevent: error\ndata: {"x":1}\nid: 7\n\n']);
    expect(evs).toEqual([
      { event: "message", data: "a\nb" },
      { event: "error", data: '{"x":1}', id: "7" },
    ]);
  });

  it("handles CRLF and bare CR, including a CRLF split across two reads", async () => {
    const evs = await collect(["data: one\r", "\n\r\ndata: two\r\rdata:three\r\n", "\r\n"]);
    expect(evs.map((e) => e.data)).toEqual(["one", "two", "three"]);
  });

  it("reassembles lines and multi-byte characters split anywhere", async () => {
    const bytes = new TextEncoder().encode('data: {"t":"héllo 🌍"}\n\ndata: [DONE]\n\n');
    const pieces = Array.from(bytes, (b) => new Uint8Array([b]));
    const evs = await collect(pieces);
    expect(evs.map((e) => e.data)).toEqual(['{"t":"héllo 🌍"}', "[DONE]"]);
  });

  it("keeps a final event that lacks the closing blank line", async () => {
    const evs = await collect(["data: x\n\ndata: [DONE]"]);
    expect(evs.map((e) => e.data)).toEqual(["x", "[DONE]"]);
  });

  it("treats a field without a colon as an empty value and ignores unknown fields", async () => {
    const evs = await collect(["retry: 100\nfoo: bar\ndata\n\n"]);
    expect(evs).toEqual([{ event: "message", data: "" }]);
  });
});

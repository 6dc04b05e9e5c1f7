// Server-sent events parser (WHATWG EventSource rules) over a byte stream. Network reads split lines and even
// UTF-8 characters anywhere, and servers use LF, CRLF or CR, so parsing is done incrementally on decoded text.

/** One dispatched event: `data` lines joined with `\n`, as the spec says. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

/** Parse an SSE byte stream into events. Comments (`:` lines) and `retry:` fields are skipped. */
export async function* parseSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder("utf-8");
  let buffer = "";
  let data: string[] = [];
  let event = "";
  let id: string | undefined;
  // A CR at the very end of a read may be the first half of a CRLF split across reads.
  let pendingCr = false;

  const dispatch = (): SseEvent | undefined => {
    const out =
      data.length > 0
        ? { event: event || "message", data: data.join("\n"), ...(id === undefined ? {} : { id }) }
        : undefined;
    data = [];
    event = "";
    return out;
  };

  const feedLine = (line: string): SseEvent | undefined => {
    if (line === "") return dispatch();
    if (line.startsWith(":")) return undefined;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    else if (field === "id" && !value.includes("\0")) id = value;
    return undefined;
  };

  for await (const bytes of body) {
    let text = decoder.decode(bytes, { stream: true });
    if (pendingCr) {
      if (text.startsWith("\n")) text = text.slice(1);
      pendingCr = false;
    }
    buffer += text;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = buffer.slice(start, i);
      if (c === 13) {
        if (i + 1 < buffer.length) {
          if (buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          pendingCr = true;
        }
      }
      start = i + 1;
      const ev = feedLine(line);
      if (ev) yield ev;
    }
    buffer = buffer.slice(start);
  }
  buffer += decoder.decode();
  // The spec drops an event not ended by a blank line; we keep it, as some servers close right after
  // `data: [DONE]` without the blank line, and losing the terminator would look like a truncated stream.
  if (buffer !== "") feedLine(buffer);
  const last = dispatch();
  if (last) yield last;
}

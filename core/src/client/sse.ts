// A minimal Server-Sent Events reader (WHATWG framing: `event:` / `data:` fields, blank line dispatches, `:` comments
// ignored, CRLF or LF line ends). The API sends one JSON line per `data:` field, but multi-line data is joined anyway.

export interface SseEvent {
  readonly event: string;
  readonly data: string;
}

/** Yields each event of a byte stream as it completes; a trailing event without its blank line is dropped. */
export async function* readSse(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let nl = buffer.search(/\r\n|\r|\n/);
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(buffer.startsWith("\r\n", nl) ? nl + 2 : nl + 1);
      if (line === "") {
        if (data.length > 0) yield { event: event || "message", data: data.join("\n") };
        event = "";
        data = [];
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      nl = buffer.search(/\r\n|\r|\n/);
    }
  }
}

// Reads the /v1/ask Server-Sent Events stream on stdin: prints tokens as they arrive, then the cited sources.
let buf = "";
let failed = false;
const handle = (event, data) => {
  const body = JSON.parse(data);
  if (event === "token") process.stdout.write(body.text);
  else if (event === "answer") {
    const sources = body.abstained ? body.closest : body.citations;
    process.stdout.write(`\n\n${body.abstained ? "Closest documents" : "Sources"}:\n`);
    for (const c of sources ?? []) {
      process.stdout.write(
        `[${c.n}] ${c.source}/${c.path}:${c.startLine}-${c.endLine} (score ${c.score.toFixed(3)})\n`,
      );
    }
  } else if (event === "error") {
    failed = true;
    process.stderr.write(`error: ${body.error?.code}: ${body.error?.message}\n`);
  }
};
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => {
  buf += chunk;
  let i = buf.indexOf("\n\n");
  while (i >= 0) {
    const block = buf.slice(0, i);
    buf = buf.slice(i + 2);
    const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
    const data = block
      .split("\n")
      .filter((l) => l.startsWith("data: "))
      .map((l) => l.slice(6))
      .join("\n");
    if (data) handle(event, data);
    i = buf.indexOf("\n\n");
  }
});
process.stdin.on("end", () => process.exit(failed ? 1 : 0));

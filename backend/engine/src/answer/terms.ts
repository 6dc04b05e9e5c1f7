// Query/sentence terms for evidence scoring: lower-cased words, identifiers split into their parts, English stop
// words dropped, a light suffix stemmer. General-purpose on purpose: nothing here knows any corpus.

/** Function words that carry no topic. Question words are included: "how" matches every how-to sentence. */
const STOP_WORDS = new Set(
  (
    "a an and are as at be been being but by can could did do does doing done for from had has have having he her " +
    "here hers him his how i if in into is it its itself just me my no nor not of off on once only or other our ours " +
    "out over own same she should so some such than that the their theirs them then there these they this those " +
    "through to too under until up very was we were what when where which while who whom why will with would you " +
    "your yours about above after again against all am any because before below between both down during each few " +
    "further more most s t don now let lets get gets use used using need needs want wants make tell please show"
  ).split(" "),
);

/** Strip common English inflections so "deploys", "deployed" and "deploying" meet "deploy" ("retried", "retries": "retry"). */
export function stem(word: string): string {
  if (word.length <= 3 || /\d/.test(word)) return word;
  for (const [suffix, min] of [
    ["ies", 4],
    ["ied", 4],
    ["ing", 5],
    ["ed", 4],
    ["es", 4],
    ["s", 3],
  ] as const) {
    if (word.endsWith(suffix) && word.length - suffix.length >= min - 1) {
      if (suffix === "ies" || suffix === "ied") return `${word.slice(0, -3)}y`;
      if (suffix === "s" && (word.endsWith("ss") || word.endsWith("us") || word.endsWith("is"))) return word;
      if (suffix === "es" && !/(?:ss|sh|ch|x|z)es$/.test(word)) return word.slice(0, -1);
      const base = word.slice(0, -suffix.length);
      // "running" → "runn" → "run", "stopped" → "stop"; but "install(ed)" keeps its "ll".
      if (
        (suffix === "ing" || suffix === "ed") &&
        /([b-df-hj-kmnp-tv-z])\1$/.test(base) &&
        !/(?:ll|ss|zz)$/.test(base)
      ) {
        return base.slice(0, -1);
      }
      return base;
    }
  }
  return word;
}

/**
 * Terms of a text, in order, with repeats (for term frequency). An identifier like `maxRetryCount` or
 * `max_retry_count` yields itself and its parts, so a question in words still meets the code that names it.
 */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.match(/[\p{L}\p{N}][\p{L}\p{N}_.-]*[\p{L}\p{N}]|[\p{L}\p{N}]/gu) ?? []) {
    const whole = raw.toLowerCase();
    const parts = raw
      .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, "$1 $2")
      .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, "$1 $2")
      .split(/[\s_.-]+/)
      .map((p) => p.toLowerCase())
      .filter((p) => p !== "");
    if (parts.length > 1 && !STOP_WORDS.has(whole)) out.push(whole);
    for (const p of parts) {
      if (STOP_WORDS.has(p)) continue;
      // Single letters are noise, but single digits are facts ("3 replicas").
      if (p.length === 1 && !/\d/.test(p)) continue;
      out.push(stem(p));
    }
  }
  return out;
}

/** Distinct terms. */
export function termSet(text: string): Set<string> {
  return new Set(terms(text));
}

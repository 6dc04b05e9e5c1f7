// Turns texts into the int64 tensors a BERT-style ONNX encoder takes, using the model's own tokenizer.json.
// @huggingface/tokenizers has no truncation, so it is done here the way sentence-transformers does it:
// cut the word pieces to maxTokens minus the special tokens, then wrap them in the post-processor's
// specials ([CLS] … [SEP]). tokenizer.json's own truncation/padding blocks (128, fixed) are ignored on purpose:
// the model was trained with max_seq_length 256, and padding is per batch.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";

/** Long inputs are tokenized from a prefix of this many characters per wanted token (see `encode`). */
const CHARS_PER_TOKEN_BOUND = 16;

/**
 * The part of @huggingface/tokenizers used here. Its .d.ts files use extensionless relative imports, which
 * NodeNext resolution cannot follow (the class types as `any`), so the surface is declared locally.
 */
export interface TextTokenizer {
  encode(text: string, options: { add_special_tokens: boolean }): { ids: number[] };
  token_to_id(token: string): number | undefined;
}

export interface BatchTensors {
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly tokenTypeIds: BigInt64Array;
  readonly batch: number;
  readonly seqLen: number;
}

export class WordPieceEncoder {
  private readonly prefix: readonly number[];
  private readonly suffix: readonly number[];
  readonly padId: number;

  constructor(
    private readonly tokenizer: TextTokenizer,
    readonly maxTokens: number,
  ) {
    // Learn the special-token template from the tokenizer itself instead of hard-coding [CLS]/[SEP] ids.
    const inner = tokenizer.encode("a", { add_special_tokens: false }).ids;
    const full = tokenizer.encode("a", { add_special_tokens: true }).ids;
    const at = full.findIndex((_, i) => inner.every((id, j) => full[i + j] === id));
    if (inner.length === 0 || at < 0) throw new Error("tokenizer: cannot locate text between special tokens");
    this.prefix = full.slice(0, at);
    this.suffix = full.slice(at + inner.length);
    if (maxTokens <= this.prefix.length + this.suffix.length)
      throw new Error(`maxTokens ${maxTokens} is too small`);
    this.padId = tokenizer.token_to_id("[PAD]") ?? 0;
  }

  /** Token ids with specials, truncated to `maxTokens` (what the reference tokenizer returns with truncation). */
  encode(text: string): number[] {
    const room = this.maxTokens - this.prefix.length - this.suffix.length;
    const head = this.prefixOf(text, room * CHARS_PER_TOKEN_BOUND);
    let ids = this.pieces(head);
    // Rare: very long "words" (base64, minified code) made the prefix too short; tokenize everything.
    if (ids.length < room && head.length < text.length) ids = this.pieces(text);
    return [...this.prefix, ...ids.slice(0, room), ...this.suffix];
  }

  private pieces(text: string): number[] {
    return this.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  /**
   * A prefix ending at ASCII whitespace, so a 1 MB input is not fully tokenized to keep 254 pieces.
   * BERT pre-tokenization never joins words across whitespace, so the prefix's pieces are a prefix of the
   * whole text's pieces; Unicode spaces are not used as cut points because some (U+FEFF) are deleted by
   * the normalizer and would glue two words together.
   */
  private prefixOf(text: string, chars: number): string {
    if (text.length <= chars) return text;
    const rest = text.slice(chars).search(/[ \t\n\r]/);
    return rest < 0 ? text : text.slice(0, chars + rest);
  }

  /** Pack already-encoded sequences into right-padded [batch, seqLen] tensors. */
  pack(seqs: readonly (readonly number[])[]): BatchTensors {
    const batch = seqs.length;
    const seqLen = Math.max(1, ...seqs.map((s) => s.length));
    const inputIds = new BigInt64Array(batch * seqLen).fill(BigInt(this.padId));
    const attentionMask = new BigInt64Array(batch * seqLen);
    for (const [b, seq] of seqs.entries()) {
      for (const [t, id] of seq.entries()) {
        inputIds[b * seqLen + t] = BigInt(id);
        attentionMask[b * seqLen + t] = 1n;
      }
    }
    // Single-sequence inputs: every segment id is 0.
    return { inputIds, attentionMask, tokenTypeIds: new BigInt64Array(batch * seqLen), batch, seqLen };
  }
}

export async function loadWordPieceEncoder(
  tokenizerPath: string,
  maxTokens: number,
): Promise<WordPieceEncoder> {
  const tokenizerJson: unknown = JSON.parse(await readFile(tokenizerPath, "utf8"));
  // tokenizer_config.json (casing flags, special tokens) sits beside tokenizer.json in HF layouts; optional.
  let tokenizerConfig: unknown = {};
  try {
    tokenizerConfig = JSON.parse(
      await readFile(join(dirname(tokenizerPath), "tokenizer_config.json"), "utf8"),
    );
  } catch {
    // Absent: the tokenizer.json alone fully describes a BERT WordPiece tokenizer.
  }
  const tokenizer: TextTokenizer = new Tokenizer(tokenizerJson as object, tokenizerConfig as object);
  return new WordPieceEncoder(tokenizer, maxTokens);
}

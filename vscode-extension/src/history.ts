// Conversation history per workspace, in `workspaceState`: the current conversation and up to MAX_ARCHIVED earlier
// ones. Stored data is parsed on read (an older extension version may have written another shape) and capped.
import type * as vscode from "vscode";
import type { Conversation } from "./protocol.js";
import { conversationSchema } from "./protocol.js";

const CURRENT = "innersource.conversation";
const ARCHIVE = "innersource.conversations";
const MAX_TURNS = 50;
const MAX_ARCHIVED = 20;

export class ConversationStore {
  constructor(private readonly memento: vscode.Memento) {}

  current(): Conversation {
    const r = conversationSchema.safeParse(this.memento.get(CURRENT));
    return r.success ? r.data : { turns: [] };
  }

  async save(c: Conversation): Promise<void> {
    await this.memento.update(CURRENT, { ...c, turns: c.turns.slice(-MAX_TURNS) });
  }

  archived(): Conversation[] {
    const raw = this.memento.get<unknown[]>(ARCHIVE) ?? [];
    return raw.flatMap((x) => {
      const r = conversationSchema.safeParse(x);
      return r.success ? [r.data] : [];
    });
  }

  /** Moves the current conversation (if it has turns) to the archive and starts an empty one. */
  async startNew(): Promise<Conversation> {
    const cur = this.current();
    if (cur.turns.length > 0) {
      await this.memento.update(ARCHIVE, [cur, ...this.archived()].slice(0, MAX_ARCHIVED));
    }
    const fresh: Conversation = { turns: [] };
    await this.save(fresh);
    return fresh;
  }

  /** Makes archived conversation `index` the current one (the current one, if it has turns, is archived). */
  async restore(index: number): Promise<Conversation | undefined> {
    const archived = this.archived();
    const picked = archived[index];
    if (!picked) return undefined;
    const cur = this.current();
    const rest = archived.filter((_, i) => i !== index);
    await this.memento.update(ARCHIVE, (cur.turns.length > 0 ? [cur, ...rest] : rest).slice(0, MAX_ARCHIVED));
    await this.save(picked);
    return picked;
  }

  /** Replaces the current conversation (e.g. one loaded from the backend), archiving the old one. */
  async replace(c: Conversation): Promise<void> {
    const cur = this.current();
    if (cur.turns.length > 0 && cur.conversationId !== c.conversationId) {
      await this.memento.update(ARCHIVE, [cur, ...this.archived()].slice(0, MAX_ARCHIVED));
    }
    await this.save(c);
  }
}

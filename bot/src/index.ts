// @isa/bot: the Slack front end (Bolt, HTTP receiver) over the HTTP API.
export type { Audience } from "./audience.js";
export { apiClientsFromConfig, audienceFor, channelAudience, tokenFor, userAudience } from "./audience.js";
export { answerBlocks, errorBlocks, escapeMrkdwn, sourceUrl } from "./blocks.js";
export type { Bot, BuildBotOptions, SocketModeBot } from "./bot.js";
export { buildBot, buildSocketModeBot } from "./bot.js";
export { HELP_TEXT, projectBlocks } from "./commands.js";
export type { AudienceToken, BotConfig } from "./config.js";
export { botFileSchema, loadBotConfig, normalizeGroups } from "./config.js";

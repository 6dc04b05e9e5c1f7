// Entry point: `node bot/dist/main.js` (or `npm start -w @isa/bot`). Reads the environment once, starts the HTTP
// receiver on ISA_BOT_PORT (Slack's Events, Interactivity and Slash Command URLs all point at /slack/events).
import { isAppError } from "@isa/core";
import { apiClientsFromConfig } from "./audience.js";
import { buildBot } from "./bot.js";
import { loadBotConfig } from "./config.js";

async function main(): Promise<void> {
  const config = loadBotConfig(process.env);
  const bot = buildBot({ config, apiClientFor: apiClientsFromConfig(config) });
  await bot.start(config.port);
  bot.app.logger.info(`isa bot listening on :${config.port}/slack/events, API ${config.apiUrl}`);
  const stop = () => {
    bot.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`isa bot: ${isAppError(err) ? `${err.code}: ${err.message}` : String(err)}\n`);
  process.exit(1);
});

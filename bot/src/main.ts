// Entry point: `node bot/dist/main.js` (or `npm start -w @isa/bot`). Reads the environment once; with
// SLACK_APP_TOKEN it connects over Socket Mode, else it starts the HTTP receiver on ISA_BOT_PORT (Slack's Events,
// Interactivity and Slash Command URLs all point at /slack/events).
import { isAppError } from "@isa/core";
import { apiClientsFromConfig } from "./audience.js";
import { buildBot, buildSocketModeBot } from "./bot.js";
import { loadBotConfig } from "./config.js";

async function main(): Promise<void> {
  const config = loadBotConfig(process.env);
  const apiClientFor = apiClientsFromConfig(config);
  let bot: { app: { logger: { info(msg: string): void } }; stop(): Promise<void> };
  if (config.appToken) {
    const socket = buildSocketModeBot({ config, apiClientFor, appToken: config.appToken });
    await socket.start();
    socket.app.logger.info(`isa bot connected over Socket Mode, API ${config.apiUrl}`);
    bot = socket;
  } else {
    const http = buildBot({ config, apiClientFor });
    await http.start(config.port);
    http.app.logger.info(`isa bot listening on :${config.port}/slack/events, API ${config.apiUrl}`);
    bot = http;
  }
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

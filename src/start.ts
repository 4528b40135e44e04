/**
 * `npm start`: runs the app with Probot when it has credentials (APP_ID, and PRIVATE_KEY or
 * PRIVATE_KEY_PATH, from the environment or .env), and otherwise serves the set-up page that
 * registers it (src/setup/). Probot reads every other setting (PORT, HOST, WEBHOOK_PATH,
 * WEBHOOK_PROXY_URL, REDIS_URL, LOG_LEVEL...) as `probot run` does.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'probot';
import { createSetupServer } from './setup/server.js';

const envFile = join(process.cwd(), '.env');
if (existsSync(envFile)) process.loadEnvFile(envFile);
const env = process.env;

if (env.APP_ID && (env.PRIVATE_KEY || env.PRIVATE_KEY_PATH)) {
  // Imported only now: index.js reads REDIS_URL and the REDELIVERY_* settings when it loads,
  // and they may come from the .env file loaded above.
  const { default: app } = await import('./index.js');
  await run(app);
} else if (env.NODE_ENV === 'production') {
  process.stderr.write('APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) are required in production\n');
  process.exitCode = 1;
} else {
  const appYml = readFileSync(new URL('../../app.yml', import.meta.url), 'utf8');
  const port = Number(env.PORT || 3000);
  const host = env.HOST || 'localhost';
  const server = createSetupServer({
    env,
    appYml,
    envFile,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  server.listen(port, host, () => {
    process.stdout.write(
      `No APP_ID yet: open http://${host}:${port} to register the GitHub App.\n`,
    );
  });
}

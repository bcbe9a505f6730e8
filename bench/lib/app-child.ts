import 'reflect-metadata';
import { createHttpApp, listenHttpApp } from '../../src/http-app.js';

/** The HTTP service as `main.ts` boots it, on a free port that it tells its parent. */
async function main(): Promise<void> {
  const app = await createHttpApp();
  const { url } = await listenHttpApp(app, 0);
  process.send!({ url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

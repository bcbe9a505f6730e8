import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createHttpApp, listenHttpApp } from '../../src/http-app.js';
import { exitOnFailure, onStopSignal } from './demo-process.js';
import { createDemoMachines } from './demo-machines.js';
import { createDemoWorld, type DemoWorld } from './demo-world.js';
import { apiEnvironment, devSettings, ensurePortFree } from './dev-settings.js';

/**
 * `npm run dev`: the API on the seed's world with a local Clerk emulator, left running for
 * exploring by hand. The world is rebuilt at every start; the credentials are printed. Settings and
 * ports are checked first, and a demo database in use is refused: a dev that cannot start leaves a
 * running one's world alone.
 */
async function main(): Promise<void> {
  // Filled in as they start, so that a signal at any moment stops what has started.
  const running: { app?: NestExpressApplication; world?: DemoWorld } = {};
  // The API first (it finishes the requests and runs in flight), then the emulator and the embedded PostgreSQL.
  const stop = async () => {
    await running.app?.close();
    await running.world?.stop();
  };
  onStopSignal(() => void stop().finally(() => process.exit(0)));
  const { apiPort, emulatorPort } = devSettings(process.env);
  await ensurePortFree(apiPort);
  const world = await createDemoWorld({ emulatorPort, owner: 'npm run dev' });
  running.world = world;
  const machines = await createDemoMachines(world);
  Object.assign(process.env, apiEnvironment(process.env, world), { CLERK_ADMIN_MACHINES: machines.machineId });
  // As the service starts: a failed start reaches exitOnFailure as one line.
  const app = await createHttpApp();
  running.app = app;
  const { url } = await listenHttpApp(app, apiPort);
  world.clerk.configureWebhooks({ url: `${url}/webhooks/clerk` });
  const admin = world.users.find((u) => u.role === 'admin' && u.password)!;
  const person = world.users.find((u) => u.email === 'test@example.com')!;
  const consoleLink = await signedInConsoleLink(url, admin.email, admin.password!);
  process.stdout.write(
    [
      '',
      `API            ${url}`,
      `OpenAPI docs   ${url}/docs`,
      `Console        ${consoleLink}`,
      '               (signed in as the demo admin for 15 minutes; after that, sign in on the page with the admin below)',
      `Clerk emulator ${world.clerk.url}  (controls under /__emulator)`,
      `Webhooks       the emulator sends Clerk's webhooks to ${url}/webhooks/clerk, signed with the API's CLERK_WEBHOOK_SIGNING_SECRET`,
      // The password of the embedded server is a fixed local-only one: printing it lets the line be pasted.
      `Database       ${world.databaseUrl}`,
      '',
      'Try it:',
      `  curl -s -X POST ${url}/auth/login -H 'Content-Type: application/json' -d '{"email":"${admin.email}","password":"${admin.password}"}'   # an admin`,
      `  curl -s ${url}/migration/runs -H 'Authorization: Bearer ${machines.adminApiKey}'   # the admin's Clerk API key (scope migration:write)`,
      `  curl -s ${url}/migration/stats -H 'Authorization: Bearer ${machines.m2mToken}'   # a CI machine's M2M token, an operator through CLERK_ADMIN_MACHINES`,
      `  curl -s -X POST ${world.clerk.url}/__emulator/sign-in -H 'Content-Type: application/json' -d '{"email":"${person.email}","password":"${person.password}"}'   # after migrating`,
      `  curl -s -X POST ${world.clerk.url}/__emulator/sign-up -H 'Content-Type: application/json' -d '{"email":"new.person@example.com","first_name":"New","last_name":"Person"}'   # a new person signs up at Clerk: user.created gives them a row; their token works on /users/me`,
      `  export DATABASE_URL='${world.databaseUrl}' CLERK_API_URL=${world.clerk.url} CLERK_SECRET_KEY=${world.clerk.secretKey}`,
      '  npm run -s cli -- migrate --dry-run   # the CLI on this world',
      '',
    ].join('\n'),
  );
}

/**
 * The console, signed in as the demo admin: a legacy token from the API's own login, in the link's
 * fragment (never sent to the server, and taken out of the address bar by the page at once).
 */
async function signedInConsoleLink(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) return `${url}/console`;
  const { accessToken } = (await response.json()) as { accessToken: string };
  return `${url}/console#token=${accessToken}`;
}

main().catch(exitOnFailure('dev'));

import Module from 'node:module';

type Resolve = (request: string, ...rest: unknown[]) => string;
const moduleWithResolver = Module as unknown as { _resolveFilename: Resolve };
const resolveFilename = moduleWithResolver._resolveFilename;

/**
 * Jest loads its global set-up through Node's `require`, outside the module mapper that lets test
 * files write `./x.js` for `./x.ts`. This teaches that one `require` the same mapping.
 */
moduleWithResolver._resolveFilename = function resolveTypeScript(this: unknown, request: string, ...rest: unknown[]) {
  try {
    return resolveFilename.call(this, request, ...rest);
  } catch (error) {
    if (!request.startsWith('.') || !request.endsWith('.js')) throw error;
    return resolveFilename.call(this, `${request.slice(0, -3)}.ts`, ...rest);
  }
};

export default async function globalSetup(): Promise<void> {
  const { prepareTestServer } = await import('./prepare-test-server.js');
  await prepareTestServer();
}

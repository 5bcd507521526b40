export default async function globalTeardown(): Promise<void> {
  const servers = globalThis.__centralinoTestServers;
  await servers?.redis?.stop();
  await servers?.postgres?.stop();
  servers?.pgliteTemplate?.remove();
}

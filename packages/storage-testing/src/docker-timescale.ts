// A TimescaleDB server in a container (testcontainers), for TEST_DOCKER=1 runs
// on machines with a Docker engine. The image matches docker-compose.yml.

export const TIMESCALE_IMAGE = 'timescale/timescaledb:2.23.0-pg17';

export interface RunningTimescale {
  url: string;
  stop(): Promise<void>;
}

export async function startTimescaleContainer(): Promise<RunningTimescale> {
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(TIMESCALE_IMAGE)
    .withDatabase('ag_storage')
    .withUsername('postgres')
    .withPassword('postgres')
    .start();
  return {
    url: container.getConnectionUri(),
    stop: async () => {
      await container.stop();
    },
  };
}

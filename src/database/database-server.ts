import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { databaseConfig, type DatabaseConfig } from '../config/database.config.js';
import { targetOf } from './database-connection.error.js';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres.js';

const EMBEDDED_DATABASE = 'clerk_migrate';

/**
 * Decides which PostgreSQL the app talks to: `DATABASE_URL` when set, otherwise an embedded
 * server that this process starts, and stops again when the app shuts down: on application
 * shutdown, after the runs have been recorded (before shutdown) and TypeORM's pool has closed.
 */
@Injectable()
export class DatabaseServer implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseServer.name);
  private embedded?: Promise<EmbeddedPostgresHandle>;

  constructor(@Inject(databaseConfig.KEY) private readonly config: DatabaseConfig) {}

  async url(): Promise<string> {
    if (this.config.url) return this.config.url;
    this.embedded ??= startEmbeddedPostgres(this.config.embeddedDataDir, EMBEDDED_DATABASE);
    const handle = await this.embedded;
    this.logger.log(`DATABASE_URL is not set: using embedded PostgreSQL (data in ${handle.dataDir})`);
    return handle.url;
  }

  /** Which database this is, for a person: `host:port/database` (never the password), or the embedded server's folder. */
  async describe(): Promise<string> {
    if (!this.config.url)
      return `embedded PostgreSQL, no DATABASE_URL (data in ${(await this.embedded)?.dataDir ?? this.config.embeddedDataDir})`;
    const { host, port, database } = targetOf(this.config.url);
    return `${host}:${port}/${database} (DATABASE_URL)`;
  }

  async onApplicationShutdown(): Promise<void> {
    const embedded = this.embedded;
    this.embedded = undefined;
    if (embedded) await (await embedded).stop();
  }
}

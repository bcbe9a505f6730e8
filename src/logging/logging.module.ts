import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import { appConfig, type AppConfig } from '../config/app.config.js';
import { httpLogOptions } from './log-options.js';

/** Where log lines go: standard output, unless a test overrides this provider to read them. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/**
 * The app's one logger: pino through nestjs-pino, so that request logs and every Nest `Logger`
 * call become JSON lines carrying the request id. `configureApp` installs it as Nest's logger.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useFactory: (): DestinationStream => pino.destination({ dest: 1, sync: true }) }],
      inject: [appConfig.KEY, LOG_DESTINATION],
      useFactory: (config: AppConfig, destination: DestinationStream) => ({ pinoHttp: [httpLogOptions(config), destination] }),
    }),
  ],
})
export class LoggingModule {}

import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TerminusModule } from '@nestjs/terminus';
import { databaseConfig } from '../config/database.config.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), ConfigModule.forFeature(databaseConfig)],
  controllers: [HealthController],
})
export class HealthModule {}

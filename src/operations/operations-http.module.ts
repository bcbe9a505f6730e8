import { Module } from '@nestjs/common';
import { OperationsController } from './operations.controller.js';
import { OperationsModule } from './operations.module.js';

/** What the HTTP service adds to the operations module: `GET /migration/operations/:id`. Apart, so that the CLI loads no controller. */
@Module({
  imports: [OperationsModule],
  controllers: [OperationsController],
})
export class OperationsHttpModule {}

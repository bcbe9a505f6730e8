import { Module } from '@nestjs/common';
import { UsersController } from './users.controller.js';
import { UsersModule } from './users.module.js';

/** What the HTTP service adds to the users module: `GET /users/me`. Apart, so that the CLI loads no controller or OpenAPI decorator. */
@Module({
  imports: [UsersModule],
  controllers: [UsersController],
})
export class UsersHttpModule {}

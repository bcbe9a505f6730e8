import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UserEntity } from './user.entity.js';
import { UsersRepository } from './users.repository.js';
import { ClerkSignInsRepository } from './clerk-sign-ins.repository.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [UsersController],
  providers: [UsersRepository, ClerkSignInsRepository, UsersService],
  exports: [UsersRepository, ClerkSignInsRepository],
})
export class UsersModule {}

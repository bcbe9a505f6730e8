import { Injectable } from '@nestjs/common';
import { AppError, CommonErrorCode } from '../common/app-error.js';
import type { Principal } from '../common/principal.js';
import { UserResponseDto } from './user-response.dto.js';
import { UsersRepository } from './users.repository.js';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /**
   * The caller's own record, mapped so that no password hash can leave: the profile captured with the
   * principal when there is one (no query), otherwise read now.
   */
  async profile(principal: Principal): Promise<UserResponseDto> {
    if (principal.profile) return UserResponseDto.fromProfile(principal.profile);
    const user = await this.users.findById(principal.userId);
    // The token was valid but the row is gone: the user was deleted after signing in.
    if (!user) throw new AppError(404, CommonErrorCode.NotFound, 'User not found');
    return UserResponseDto.from(user);
  }
}

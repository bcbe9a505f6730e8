import { Injectable } from '@nestjs/common';
import { AppError, CommonErrorCode } from '../common/app-error.js';
import type { Principal } from '../common/principal.js';
import { UserResponseDto } from './user-response.dto.js';

@Injectable()
export class UsersService {
  /**
   * The caller's own record, mapped so that no password hash can leave: the profile captured when
   * their token was resolved (no query; a deleted user's token stops resolving within the principal
   * cache's 30 seconds).
   */
  profile(principal: Principal): UserResponseDto {
    if (!principal.profile) {
      throw new AppError(
        403,
        CommonErrorCode.NotAPerson,
        'An API key or M2M token has no profile of its own; /users/me is for people signed in',
      );
    }
    return UserResponseDto.fromProfile(principal.profile);
  }
}

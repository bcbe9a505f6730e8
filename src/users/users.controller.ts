import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { AppError, CommonErrorCode } from '../common/app-error.js';
import { UserResponseDto } from './user-response.dto.js';
import { UsersRepository } from './users.repository.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersRepository) {}

  @Get('me')
  @ApiOperation({ summary: 'The caller, whichever way they signed in (Clerk or legacy)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiUnauthorizedResponse({ description: 'No token, or a token that is not valid' })
  async me(@CurrentPrincipal() principal: Principal): Promise<UserResponseDto> {
    const user = await this.users.findById(principal.userId);
    if (!user) throw new AppError(404, CommonErrorCode.NotFound, 'User not found');
    return UserResponseDto.from(user);
  }
}

import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrors, ApiJsonBody } from '../common/api-errors.js';
import { Public } from '../common/public.decorator.js';
import { UserResponseDto } from '../common/user-response.dto.js';
import { AuthService } from './auth.service.js';
import { LegacyLoginDto, LegacyLoginResponseDto } from './legacy-login.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Legacy email-and-password login during the transition; returns a short-lived legacy token', security: [] })
  @ApiOkResponse({ type: LegacyLoginResponseDto })
  @ApiJsonBody()
  @ApiErrors(
    [401, 'Email or password is incorrect, the same answer whichever it was (invalid_credentials)'],
    [410, 'Legacy login is switched off (LEGACY_AUTH_ENABLED=false); use Clerk (legacy_auth_disabled)'],
    [429, 'Too many failed logins from this address, or for this email; see Retry-After (too_many_login_attempts)'],
    [503, 'Too many password checks pending; see Retry-After (overloaded)'],
  )
  async login(@Body() body: LegacyLoginDto, @Req() request: Request): Promise<LegacyLoginResponseDto> {
    const result = await this.auth.loginWithPassword(body.email, body.password, request.ip ?? 'unknown');
    return { accessToken: result.accessToken, tokenType: 'Bearer', expiresIn: result.expiresIn, user: UserResponseDto.from(result.user) };
  }
}

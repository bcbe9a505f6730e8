import { Controller, Get, Header, Inject, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Roles } from '../common/auth.decorators.js';
import { ADMIN_ROLE } from '../common/principal.js';
import { Public } from '../common/public.decorator.js';
import { authConfig, type AuthConfig } from '../config/auth.config.js';
import { ConsoleAssets } from './console-assets.js';
import { CONSOLE_CSP, consoleShellHtml } from './console-page.js';
import { ConsoleSignInFilter } from './console-sign-in.filter.js';

/** A page, not an API: left out of the OpenAPI document (README's Console section describes it). */
@ApiExcludeController()
@Controller('console')
export class ConsoleController {
  constructor(
    private readonly assets: ConsoleAssets,
    @Inject(authConfig.KEY) private readonly auth: AuthConfig,
  ) {}

  /** The guard has let an admin in (a `__session` cookie: a navigation carries no bearer token). */
  @Get()
  @Roles(ADMIN_ROLE)
  @UseFilters(ConsoleSignInFilter)
  @Header('Content-Security-Policy', CONSOLE_CSP)
  @Header('Cache-Control', 'no-store')
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return consoleShellHtml({ session: 'cookie', legacySignIn: this.auth.legacyEnabled });
  }

  /** The bundle holds code and no data, and the sign-in page needs it: public, like any login page's script. */
  @Public()
  @Get('assets/:name')
  asset(@Param('name') name: string, @Req() request: Request, @Res() response: Response): void {
    const asset = this.assets.get(name);
    response.setHeader('Content-Security-Policy', CONSOLE_CSP);
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('ETag', asset.etag);
    if (request.headers['if-none-match'] === asset.etag) {
      response.status(304).end();
      return;
    }
    response.type(asset.contentType).send(asset.body);
  }
}

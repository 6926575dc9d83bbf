import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { InvalidRequestError } from './rfc6749.errors';

/** RFC 7591 §3.1 / RFC 7592 §2.2: the request body is JSON; anything else is 415. */
@Injectable()
export class RequireJsonGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const contentType = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers[
      'content-type'
    ];
    const mediaType = contentType?.split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json') {
      throw new InvalidRequestError('unsupported Content-Type; send application/json', { status: 415 });
    }
    return true;
  }
}

import { Module } from '@nestjs/common';
import { SafeFetcher } from './safe-fetcher';

/** The SSRF-safe fetcher of documents named by clients (jwks_uri). */
@Module({ providers: [SafeFetcher], exports: [SafeFetcher] })
export class FetchModule {}

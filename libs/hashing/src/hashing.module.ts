import { Global, Module } from '@nestjs/common';
import { SecretHasher } from './secret-hasher.service';

@Global()
@Module({ providers: [SecretHasher], exports: [SecretHasher] })
export class HashingModule {}

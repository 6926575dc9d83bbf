import { Global, Module } from '@nestjs/common';
import { CleanupRegistry } from './cleanup-registry';
import { SweeperService } from './sweeper.service';

/** Global so that every feature module can register its cleanup task with CleanupRegistry. */
@Global()
@Module({ providers: [CleanupRegistry, SweeperService], exports: [CleanupRegistry, SweeperService] })
export class MaintenanceModule {}

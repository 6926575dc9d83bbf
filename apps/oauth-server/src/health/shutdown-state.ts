import { Injectable } from '@nestjs/common';

/** Set by main.ts when SIGTERM/SIGINT arrives, so readiness fails before the listener closes. */
@Injectable()
export class ShutdownState {
  private shuttingDown = false;

  begin(): void {
    this.shuttingDown = true;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}

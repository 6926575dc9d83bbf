import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CsrfService } from './csrf.service';
import { DemoUserSeeder } from './demo-user.seeder';
import { LoginThrottleRepository } from './login-throttle.repository';
import { LoginController } from './login.controller';
import { LoginService } from './login.service';
import { Session } from './session.entity';
import { SessionsRepository } from './sessions.repository';
import { SessionsCleanup } from './sessions.cleanup';
import { SessionsService } from './sessions.service';
import { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** End-user authentication: users, the login page, database-backed sessions, CSRF tokens for forms. */
@Module({
  imports: [TypeOrmModule.forFeature([User, Session])],
  controllers: [LoginController],
  providers: [SessionsCleanup, UsersService, UsersRepository, SessionsService, SessionsRepository, LoginService, LoginThrottleRepository, CsrfService, DemoUserSeeder],
  exports: [UsersService, SessionsService, CsrfService],
})
export class LoginModule {}

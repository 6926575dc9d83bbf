import { Module } from '@nestjs/common';
import { DiscoveryController } from './discovery.controller';
import { HomeController } from './home.controller';

@Module({ controllers: [DiscoveryController, HomeController] })
export class DiscoveryModule {}

import 'reflect-metadata';
import { loadConfig } from '@app/config';
import { dataSourceOptions } from '@app/database';
import { DataSource } from 'typeorm';

/**
 * The TypeORM CLI's DataSource (`npm run migration:run`): the same configuration loader and the
 * same migrations as the server, on PostgreSQL when DATABASE_URL is set, else the embedded PGlite.
 */
export default new DataSource({ ...dataSourceOptions(loadConfig(process.env)), migrationsRun: false });

# syntax=docker/dockerfile:1
# Tessera: build in one stage, run the compiled server in a small one with production dependencies
# only, as a non-root user. Configuration comes only from the environment (docs/configuration.md);
# nothing is baked in. Build: docker build -t tessera .   Run: see docs/operations.md.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ormconfig.ts ./
COPY scripts ./scripts
COPY apps ./apps
COPY libs ./libs
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The embedded database (only when DATABASE_URL is unset, for trials) needs a writable directory.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
# Liveness only: readiness (/health/ready) is for the load balancer, which must not restart the
# container while the database is down.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# main.ts finishes in-flight requests and background jobs on SIGTERM within SHUTDOWN_GRACE_SECONDS
# (default 25): give the orchestrator's stop timeout a few seconds more than that.
STOPSIGNAL SIGTERM
CMD ["node", "dist/apps/oauth-server/src/main.js"]

# syntax=docker/dockerfile:1
# The same Node version as .ci/run's second test run (scripts/node24-tests.sh): what ships is what is tested.
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# Build stage: compile TypeScript with the dev dependencies, then keep only what production runs.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# python3/make/g++ only if a native module (argon2, better-sqlite3) has no prebuilt binary.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The sandbox is a development tool: it (and multer, a dev dependency) stays out of the image.
RUN npm run build && rm -rf dist/sandbox && npm prune --omit=dev

# Runtime stage: production dependencies, compiled code, templates and static files only.
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
# tini as PID 1 forwards SIGTERM to node and reaps zombies, so graceful shutdown works.
# The code belongs to root and is read-only for the portal; the portal's user owns /app/data only.
RUN apt-get update && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /app/data && chown 1000:1000 /app/data && chmod 0700 /app/data
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY scripts/build-if-needed.js ./scripts/
COPY views ./views
COPY locales ./locales
COPY public ./public
# The SQLite database (and anything else the portal writes) lives here: mount a volume to keep it.
VOLUME /app/data
# Numeric, so Kubernetes' runAsNonRoot can verify it (uid 1000 is the image's `node` user).
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/server.js"]

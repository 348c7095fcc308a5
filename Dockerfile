# syntax=docker/dockerfile:1
# Tandem server image: the Node service (compiled to JavaScript) and the built web app it serves.
#   docker build -t tandem .
#   docker run --init -p 1234:1234 -v tandem-data:/data tandem
# Node 24 is an LTS line better-sqlite3 12 supports (20.x-26.x); pick another with --build-arg.
ARG NODE_VERSION=24

# Every workspace's manifest: npm ci checks the lockfile against all of them.
FROM node:${NODE_VERSION}-bookworm-slim AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY shared/package.json shared/
COPY server/package.json server/
COPY client/package.json client/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
# npm ci's postinstall applies these to @lexical/yjs (docs/architecture.md, "Editor binding").
COPY patches patches

# The web app: the client workspace's dependencies (Vite, React, Lexical) only live in this stage.
FROM manifests AS client
RUN --mount=type=cache,target=/root/.npm npm ci -w @tandem/client --no-audit --no-fund
COPY tsconfig.base.json vite.config.ts ./
COPY shared/src shared/src
COPY client client
RUN npm run build -w @tandem/client

# The server compiled to JavaScript (server/build.mjs): a start pays for no TypeScript loader.
FROM manifests AS server-build
# Only esbuild runs here: no native addon needs building (--ignore-scripts). yjs and @lexical/yjs are
# bundled into server/dist (server/build.mjs), so their patches are applied here, postinstall skipped.
RUN --mount=type=cache,target=/root/.npm npm ci -w @tandem/server --ignore-scripts --no-audit --no-fund \
  && npx patch-package
COPY tsconfig.base.json ./
COPY shared/src shared/src
COPY server/build.mjs server/
COPY server/src server/src
RUN npm run build -w @tandem/server

# The server's runtime dependencies, dev dependencies left out. better-sqlite3 is a native addon:
# when no prebuilt binary fits, node-gyp compiles it, which needs python3, make and g++.
FROM manifests AS server-deps
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
RUN --mount=type=cache,target=/root/.npm npm ci -w @tandem/server --omit=dev --no-audit --no-fund
# What runs of better-sqlite3 is lib/ and one .node file; its SQLite sources (deps/, src/) and the
# compiler's objects under build/ were 30 of its 32 MB in the runtime image. `bindings` finds
# build/Release/better_sqlite3.node, which stays.
RUN cd node_modules/better-sqlite3 \
  && find build -mindepth 1 -maxdepth 2 ! -path build/Release ! -path build/Release/better_sqlite3.node -exec rm -rf {} + \
  && rm -rf deps src \
  && node -e "new (require('better-sqlite3'))(':memory:').close()"

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
  HOST=0.0.0.0 \
  PORT=1234 \
  DATA_DIR=/data
WORKDIR /app
COPY package.json ./
COPY --from=server-deps /app/node_modules node_modules
COPY server/package.json server/
COPY --from=server-build /app/server/dist server/dist
COPY --from=client /app/client/dist client/dist
# A new named volume takes this directory's owner, so the non-root user can write the database.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 1234
# No curl in slim images; Node 18+ has fetch.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 1234) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is the main process (no npm, no shell), so SIGTERM reaches the server's graceful shutdown.
STOPSIGNAL SIGTERM
CMD ["node", "server/dist/main.js"]

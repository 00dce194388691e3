# syntax=docker/dockerfile:1
# The shoal CLI and vault node as an image (README.md, "Docker"); docker-compose.yml runs
# a network of them. test/compose.test.ts checks this file and the compose file against
# the repository and the CLI; no container has been run where they were written.

# Node 22 although CI runs the tests on Node 20: Node 20 reached its end of life in April
# 2026 (its image gets no security fixes), libp2p 3 already depends on p-retry 8, which
# declares node >= 22, and 22 caches compiled modules for the short-lived CLI commands.
# `--build-arg NODE_IMAGE=node:20-slim` builds on exactly what CI runs.
ARG NODE_IMAGE=node:22-slim

# Every workspace's manifest and the lockfile alone, so the npm ci layers below are
# built again only when dependencies change, not on every source edit.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches patches/
COPY packages/runtime/package.json packages/runtime/
COPY packages/fuzz/package.json packages/fuzz/
COPY packages/chunker/package.json packages/chunker/
COPY packages/erasure/package.json packages/erasure/
COPY packages/crypto/package.json packages/crypto/
COPY packages/manifest/package.json packages/manifest/
COPY packages/protocol/package.json packages/protocol/
COPY packages/store/package.json packages/store/
COPY packages/node/package.json packages/node/
COPY packages/client/package.json packages/client/
COPY packages/sim/package.json packages/sim/
COPY packages/charts/package.json packages/charts/
COPY apps/shoal/package.json apps/shoal/
COPY test/package.json test/
COPY bench/package.json bench/

# TypeScript, the WebAssembly chunker and erasure coder, and the CLI bundle.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /app ./
# --ignore-scripts: the root's prepare script builds, and the sources are not here yet
# (classic-level, the one native dependency, ships prebuilt addons it loads as they are)
RUN npm ci --ignore-scripts --no-audit --no-fund && npx patch-package
COPY . .
RUN npm run build
# What the runtime needs of the build, in one tree: each package's compiled code (not its
# tests), the CLI's bundle and executable. Without the .tsbuildinfo files bin/shoal.js
# always takes the bundle, which starts a command sooner.
RUN mkdir /out && for dir in packages/* apps/shoal; do \
      mkdir -p "/out/$dir" && cp -a "$dir/dist" "/out/$dir/" && rm -rf "/out/$dir/dist/test" "/out/$dir/dist/tsconfig.tsbuildinfo"; \
    done && cp -a apps/shoal/bin /out/apps/shoal/

# Production dependencies only: no TypeScript, esbuild, linters or test tools.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /app ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npx patch-package && npm cache clean --force

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    SHOAL_DATA=/data
WORKDIR /app
COPY --from=prod-deps /app ./
COPY --from=build /out ./
COPY deploy/client.mjs deploy/healthcheck.mjs deploy/
# the image's own `node` user (uid 1000) owns the data dir, which a volume keeps
RUN ln -s /app/apps/shoal/bin/shoal.js /usr/local/bin/shoal \
    && mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
# libp2p (shoal node --listen /ip4/0.0.0.0/tcp/4001), and /metrics alone when asked
# (--metrics-listen 0.0.0.0:9464); the HTTP API stays on 127.0.0.1
EXPOSE 4001 9464
# GET /healthz of the API the node wrote to /data/api.json: the one route without a token
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "/app/deploy/healthcheck.mjs"]
ENTRYPOINT ["shoal"]
CMD ["--help"]

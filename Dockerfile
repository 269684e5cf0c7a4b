# dcat-quality: workers, CLI and board in one image (Node 22; the AWS SDK needs Node >= 22 from 2027).
# Targets: `runtime` (the product, the default) and `tools` (the synthetic dump generator and the
# benchmark, for docker-compose's sample-dump one-shot; never deployed).
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin bin
COPY shared shared
COPY workers workers
COPY producer producer
COPY board board

FROM deps AS tools
COPY tools tools
ENTRYPOINT ["npx", "tsx", "tools/cli.ts"]
CMD ["--help"]

FROM deps AS build
RUN npm run build && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
# pg_dump / pg_restore for the backup and restore jobs: at least the Metabase server's major version
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    # the heap cap the benchmark measures the workers with (RSS <= 256 MB)
    NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=32 --initial-old-space-size=96"
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/bin bin
USER node
ENTRYPOINT ["node", "bin/dcat-quality.js"]
CMD ["workers"]

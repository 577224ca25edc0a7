# opentrail: the API server and delivery engine, from the compiled dist/ build.
#   docker build -t opentrail .
#   docker run -p 8080:8080 -v opentrail-data:/var/lib/opentrail opentrail
# test/acceptance/container-entrypoint.test.ts builds dist/ as below and starts it with this
# file's ENTRYPOINT, CMD and HEALTHCHECK (no Docker daemon needed).

# ---- build: compile TypeScript and install production dependencies -------------------------
FROM node:20-slim AS build
# better-sqlite3 compiles from source where no prebuilt binary can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.mjs ./scripts/build.mjs
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: node, dist/, production node_modules; no compiler, no sources ---------------
FROM node:20-slim
ENV NODE_ENV=production \
    OPENTRAIL_HOST=0.0.0.0 \
    OPENTRAIL_PORT=8080 \
    OPENTRAIL_DATA_DIR=/var/lib/opentrail
RUN groupadd --system opentrail \
 && useradd --system --gid opentrail --home-dir /var/lib/opentrail --shell /usr/sbin/nologin opentrail \
 && mkdir -p /var/lib/opentrail/delivery \
 && chown -R opentrail:opentrail /var/lib/opentrail
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The web console's page, scripts and styles (served as they are; dist/ finds them at ../web).
COPY web ./web
USER opentrail
# SQLite database, credentials file and the file sink's output (unset OPENTRAIL_DATABASE_URL).
VOLUME ["/var/lib/opentrail"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.OPENTRAIL_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/main.js"]
CMD ["serve"]

# AI Governance as one container: `docker build -t ai-governance .`, or `docker compose up` with
# compose.yaml (the app and Redis). See docs/deployment.md.

# Build: compile TypeScript to dist/ with the development dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the package's `prepare` (the build) runs below, once the sources are here.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Run: production dependencies only, the compiled app, app.yml and the example policies.
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts skips the package's `prepare` (the build, done above). The SQLite binding the
# audit command keeps its store in is then built on its own: its install script fetches the
# prebuilt binary for this Node and platform (from the binding's GitHub releases); where that
# cannot be reached, it compiles, which needs python3, make and g++ in this stage.
RUN npm ci --omit=dev --ignore-scripts && npm rebuild better-sqlite3 && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY app.yml ./
COPY policies ./policies
# The image's unprivileged user; the app needs no write access to /app.
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/start.js"]

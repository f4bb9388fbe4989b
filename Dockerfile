# The API image for docker-compose. It runs TypeScript through tsx, as `pnpm start` does, and
# serves the console built into services/console/dist at /.
FROM node:20-bookworm-slim
WORKDIR /app
COPY . .
RUN npx -y pnpm@10.34.8 install --frozen-lockfile \
 && npx -y pnpm@10.34.8 console:build \
 && mkdir -p /data && chown node:node /data
# The service writes only under DATA_DIR (a development JWT secret when none is configured,
# the embedded PostgreSQL when no DATABASE_URL is given): /data, owned by the user it runs as.
ENV HOST=0.0.0.0 PORT=4000 NODE_ENV=production DATA_DIR=/data
VOLUME /data
EXPOSE 4000
USER node
CMD ["node", "--import", "tsx", "services/api/src/main.ts"]

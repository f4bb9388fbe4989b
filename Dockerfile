# The API image for docker-compose. It runs TypeScript through tsx, as `pnpm start` does.
FROM node:20-bookworm-slim
WORKDIR /app
COPY . .
RUN npx -y pnpm@10.34.8 install --frozen-lockfile
ENV HOST=0.0.0.0 PORT=4000 NODE_ENV=production
EXPOSE 4000
USER node
CMD ["node", "--import", "tsx", "services/api/src/main.ts"]

# Build:  docker build -t topicdesk .
# Run:    docker run -e TELOXIDE_TOKEN=... -p 8080:8080 -v topicdesk-data:/data topicdesk
# Without DATABASE_URL overridden, data lives in SQLite at /data/topicdesk.db.

FROM rust:1.95-bookworm AS builder
WORKDIR /src
COPY . .
# Cache mounts (BuildKit) keep the crate registry and compiled dependencies
# between builds; the binary is copied out because the target cache mount is
# not part of the image layer.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin topicdesk \
    && install -Dm755 target/release/topicdesk /out/topicdesk

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --home-dir /data --shell /usr/sbin/nologin topicdesk \
    && mkdir -p /data \
    && chown topicdesk:topicdesk /data
COPY --from=builder /out/topicdesk /usr/local/bin/topicdesk
USER topicdesk
WORKDIR /data
VOLUME ["/data"]
ENV DATABASE_URL="sqlite:///data/topicdesk.db?mode=rwc" \
    TOPICDESK_HTTP_ADDR="0.0.0.0:8080"
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["topicdesk"]
CMD ["run"]

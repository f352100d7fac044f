# syntax=docker/dockerfile:1
# Build stage: install Dojo and its dependencies into a virtual environment.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
RUN python -m venv /opt/dojo
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY core ./core
COPY adapters ./adapters
COPY migrations ./migrations
RUN /opt/dojo/bin/pip install .

# Runtime stage: only the virtual environment, a non-root user and the entrypoint.
FROM python:3.11-slim
ENV PATH=/opt/dojo/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    MPLBACKEND=Agg \
    DOJO_DATA_DIR=/data \
    DATABASE_URL=sqlite+aiosqlite:////data/dojo.db
RUN useradd --system --uid 10001 --home-dir /data --create-home dojo
COPY --from=build /opt/dojo /opt/dojo
COPY docker/entrypoint.sh /usr/local/bin/dojo-entrypoint
USER dojo
WORKDIR /data
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["dojo", "health"]
ENTRYPOINT ["dojo-entrypoint"]
CMD ["run"]

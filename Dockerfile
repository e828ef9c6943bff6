# syntax=docker/dockerfile:1
# One image for every app service of docker-compose.yml: web (the default CMD),
# worker, beat and migrate differ only by their command. Needs BuildKit (the
# default builder since Docker 23 and in `docker compose`; with the old
# docker-compose 1.x set DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1).

# Build stage: the project and every dependency as wheels, nothing else kept.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
# Dependencies exactly as locked: each version pinned, each file checked against
# its hash (`make lock` writes requirements.lock from pyproject.toml).
COPY requirements.lock .
RUN pip wheel --require-hashes --wheel-dir /wheels -r requirements.lock
COPY . .
# The wheel carries the package data of pyproject.toml: migrations, static
# files, templates and the shipped model artifacts (models/artifacts/*).
RUN pip wheel --no-deps --wheel-dir /wheels .

# Runtime stage: a slim Python with the installed wheels, run as a non-root user.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    MODERATION_INSTANCE_PATH=/app/instance
# --no-index: nothing but the locked wheels of the build stage can be installed.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-index --find-links=/wheels comment-moderation \
    && groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app \
    && install -d -o app -g app /app /app/instance
WORKDIR /app
USER app
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["moderation", "serve", "--host", "0.0.0.0", "--port", "8000"]

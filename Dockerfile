# fanbot's image. Build: docker build -t fanbot .   Run: see README.md (Docker).
# Needs BuildKit (Docker's default builder since 23.0) or podman/buildah, for RUN --mount.
#
# The base is pinned (Python patch version and Debian release) and used by both stages;
# to move it, change PYTHON_IMAGE here (or --build-arg PYTHON_IMAGE=...) and rebuild.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

# --- build: the locked wheels, downloaded and checked against the lock's hashes ---------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
# Only the lock: this stage (all the downloads) reruns when the lock changes, never for a
# source edit. Every file must match a hash in the lock; wheels only, nothing compiled.
COPY requirements.lock /tmp/requirements.lock
RUN python -m pip download --require-hashes --no-deps --only-binary=:all: \
        --dest /wheels -r /tmp/requirements.lock

# --- runtime -------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# The bot runs as uid:gid 10001 (numeric, so runAsNonRoot can check it; no account, home
# or shell needed) and writes only /data: a new named volume takes this folder's owner.
RUN mkdir /data && chown 10001:10001 /data
# The wheels are mounted from the build stage, never copied into a layer; the environment
# has no pip or setuptools (the base's pip installs into it). Cached until the lock changes.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    --mount=type=bind,from=build,source=/tmp/requirements.lock,target=/tmp/requirements.lock \
    python -m venv --without-pip /opt/venv \
    && PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore python -m pip \
        --python /opt/venv/bin/python install --no-cache-dir --no-index --find-links /wheels \
        --require-hashes --no-deps -r /tmp/requirements.lock
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/fanbot.db FACT_PACK=/app/facts/the-diplomat.toml
WORKDIR /app
COPY facts ./facts
COPY bot ./bot
RUN python -m compileall -q bot
USER 10001:10001
# The running bot rewrites its heartbeat every 30 s; `health` reads it (exit 0: connected
# and the store answers).
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
# The token comes at run time (--env-file .env), never in the image.
CMD ["python", "-m", "bot", "run"]

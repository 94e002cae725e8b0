# fanbot's image. Build: docker build -t fanbot .   Run: see README.md (Docker).
#
# The base is pinned (Python patch version and Debian release) and used by both stages;
# to move it, change PYTHON_IMAGE here (or --build-arg PYTHON_IMAGE=...) and rebuild.
ARG PYTHON_IMAGE=python:3.11.14-slim-bookworm

# --- build: the locked dependencies, installed into a virtual environment -----------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PIP_ROOT_USER_ACTION=ignore
# No pip or setuptools in the environment the bot runs with: the base's pip installs into it.
RUN python -m venv --without-pip /opt/venv
# Only the lock: this layer (all the downloads) is rebuilt when the lock changes, never for
# a source edit. Every file must match a hash in the lock; wheels only, nothing compiled.
COPY requirements.lock /tmp/requirements.lock
RUN python -m pip --python /opt/venv/bin/python install --require-hashes --no-deps \
        --only-binary=:all: -r /tmp/requirements.lock

# --- runtime: the environment copied whole (no wheels left in a layer), then the code ---
FROM ${PYTHON_IMAGE}
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/fanbot.db FACT_PACK=/app/facts/the-diplomat.toml
# The bot runs as uid:gid 10001 (numeric, so runAsNonRoot can check it; no account, home
# or shell needed) and writes only /data: a new named volume takes this folder's owner.
RUN mkdir /data && chown 10001:10001 /data
COPY --from=build /opt/venv /opt/venv
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

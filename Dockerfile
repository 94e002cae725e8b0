# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATABASE_PATH=/data/fanbot.db FACT_PACK=/app/facts/the-diplomat.toml
RUN useradd --create-home --uid 10001 fanbot && mkdir /data && chown fanbot /data
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/* && rm -rf /wheels
WORKDIR /app
COPY facts ./facts
USER fanbot
VOLUME ["/data"]
# Pass the token at run time: docker run --env-file .env -v fanbot-data:/data fanbot
CMD ["python", "-m", "bot", "run"]

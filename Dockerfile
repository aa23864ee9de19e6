# Inspector (巡查督办) for container deployments. CI does not build this image (no Docker engine
# there); it follows the same steps as `make install` / `make run`.

# -- 1. the PWA ------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS pwa
WORKDIR /build/pwa
COPY pwa/package.json pwa/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY pwa/ ./
RUN npm run build

# -- 2. the app ------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    MEDIA_ROOT=/data/media PWA_DIST=/app/pwa/dist INSPECTOR_INSTANCE=/data/instance
RUN useradd --create-home --uid 10001 inspector && mkdir -p /data/media /data/instance \
    && chown -R inspector /data
WORKDIR /app
COPY pyproject.toml README.md ./
COPY inspector/ inspector/
RUN pip install . && pybabel compile -d /usr/local/lib/python3.11/site-packages/inspector/translations
COPY app.py ./
COPY migrations/ migrations/
COPY --from=pwa /build/pwa/dist/ pwa/dist/
USER inspector
EXPOSE 8000
VOLUME ["/data/media"]
# Migrations and the taxonomy run here, at start-up, never inside create_app.
CMD ["sh", "-c", "inspector db upgrade && inspector categories load && exec gunicorn --workers ${WORKERS:-4} --worker-class gthread --threads ${THREADS:-4} --bind 0.0.0.0:8000 --access-logfile - app:app"]

# Vigie in a container: Debian slim with Chromium and fonts for captures, a non-root user,
# data in the /data volume, health checked on the loopback endpoint. See compose.yaml.
FROM python:3.11-slim-bookworm

RUN apt-get update \
    && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /home/vigie --uid 10001 vigie \
    && mkdir /data && chown vigie:vigie /data

WORKDIR /opt/vigie
COPY pyproject.toml README.md ./
COPY bot bot
COPY adapters adapters
COPY vigie vigie
RUN pip install --no-cache-dir . && rm -rf /root/.cache

ENV VIGIE_DATABASE=/data/vigie.db \
    VIGIE_DATA_DIR=/data/files \
    VIGIE_BACKUP_DIR=/data/backups \
    VIGIE_CHROMIUM_PATH=/usr/bin/chromium \
    VIGIE_OPS_HOST=127.0.0.1 \
    VIGIE_OPS_PORT=8080 \
    VIGIE_TELEGRAM_WEBHOOK_LISTEN=0.0.0.0 \
    PYTHONUNBUFFERED=1

USER vigie
WORKDIR /data
VOLUME ["/data"]

HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=5)"]

CMD ["vigie", "run"]

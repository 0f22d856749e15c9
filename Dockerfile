# syntax=docker/dockerfile:1
# Two stages: dependencies are installed into a virtualenv in the first; the final image gets
# only that virtualenv and the app's files (no compiler, no pip cache), and runs as a non-root user.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml ./
COPY app ./app
RUN python -m venv /venv && /venv/bin/pip install . && /venv/bin/pip uninstall -y pip setuptools

FROM python:3.11-slim
# Chromium draws the share-card images (kaleido); no build tools are installed.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 tracker && mkdir /data && chown tracker /data
COPY --from=build /venv /venv
WORKDIR /srv
COPY alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY seeds ./seeds
COPY static ./static
COPY templates ./templates
USER tracker
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/data HOST=0.0.0.0 PORT=8000 WORKERS=4
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/readyz', timeout=4)"]
# Migrate, seed (a no-op once published), then serve with WORKERS processes.
CMD ["sh", "-c", "python -m app migrate && python -m app seed && exec python -m app serve"]

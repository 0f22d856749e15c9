# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml ./
COPY app ./app
RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 tracker && mkdir /data && chown tracker /data
COPY --from=build /venv /venv
WORKDIR /srv
COPY --chown=tracker alembic.ini ./
COPY --chown=tracker app ./app
COPY --chown=tracker migrations ./migrations
COPY --chown=tracker seeds ./seeds
COPY --chown=tracker static ./static
COPY --chown=tracker templates ./templates
USER tracker
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 DATA_DIR=/data
EXPOSE 8000
# Migrate, seed (a no-op once published), then serve with several workers.
CMD ["sh", "-c", "python -m app migrate && python -m app seed && exec python -m app serve --workers 4"]

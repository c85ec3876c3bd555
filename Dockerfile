# One image for web, worker and beat.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DRAAGVLAK_ENV=production
# WeasyPrint needs Pango for PDF rendering.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY app ./app
COPY surveys ./surveys
COPY analysis ./analysis
COPY worker ./worker
COPY migrations ./migrations
COPY config.py babel.cfg gunicorn.conf.py ./
RUN pip install --no-cache-dir . && pybabel compile -f -d app/translations
RUN useradd --create-home draagvlak && mkdir -p /app/instance && chown draagvlak /app/instance
USER draagvlak
EXPOSE 8000
CMD ["gunicorn", "app:create_app()"]

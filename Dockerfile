# The production image for web, worker and beat (see docker-compose.yml).
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/venv UV_PYTHON_DOWNLOADS=never PATH=/venv/bin:$PATH
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/* \
 && pip install --no-cache-dir uv==0.13.9 \
 && useradd --system --create-home --uid 10001 mentorprogram
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY --from=assets /app/node_modules ./node_modules
COPY . .
# Build-time only values: collectstatic and compilemessages need settings to load.
RUN DEBUG=false SECRET_KEY=build ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/build EMAIL_URL=consolemail:// \
    MENTORPROGRAM_READ_ENV_FILES=0 sh -c "python manage.py compilemessages && python manage.py collectstatic --noinput"
USER mentorprogram
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "mentorprogram.wsgi:application"]

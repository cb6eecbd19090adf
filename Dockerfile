FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext libpq5 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --upgrade pip 'setuptools<81' wheel \
    && pip install -r requirements.txt \
    && pip install --no-deps face_recognition==1.3.0
COPY . .
RUN DJANGO_SECRET_KEY=build-only python manage.py compilemessages --ignore=.venv -v 0 \
    && DJANGO_SECRET_KEY=build-only python manage.py collectstatic --noinput -v 0
RUN useradd --create-home jmo && mkdir -p /data/media && chown -R jmo /data /app
USER jmo
EXPOSE 8000
CMD ["gunicorn", "jmo_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]

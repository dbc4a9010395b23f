"""Production entry point: ``gunicorn 'app.wsgi:app'`` (config from the environment).

Refuses to start without ``SECRET_KEY``; set ``ANJU_ENV=production`` (the default).
"""

from app import create_app

app = create_app()

"""What serving on several processes or machines needs: shared caches and background work.

With ``REDIS_URL`` set, caches (flask-caching) and background callbacks (Dash's CeleryManager,
run by ``make worker``) go through Redis, so that workers on several machines share them;
without it, both live on the local disk under the instance folder (one machine, any number of
gunicorn workers).
"""

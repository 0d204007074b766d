# The Ironic release the shim's test extra pins (shim-python/pyproject.toml,
# the one place it is written), in single-process mode (API and conductor in
# one process, SQLite, no Keystone, no message bus) with the valence
# hardware type.
FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/ironic --create-home ironic
COPY shim-python /src/shim-python
RUN pip install --no-cache-dir python-ironicclient /src/shim-python "$(python -c '\
import tomllib; \
extra = tomllib.load(open("/src/shim-python/pyproject.toml", "rb"))["project"]["optional-dependencies"]["test"]; \
print(next(r for r in extra if r.startswith("ironic==")))')"
COPY scripts/ironic_conf.py /usr/local/lib/valence/ironic_conf.py
COPY docker/ironic-entrypoint.sh /usr/local/bin/ironic-entrypoint.sh
USER ironic
EXPOSE 6385
ENTRYPOINT ["/usr/local/bin/ironic-entrypoint.sh"]

# Ironic 39.0.0 in single-process mode (API and conductor in one process,
# SQLite, no Keystone, no message bus) with the valence hardware type.
FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /var/lib/ironic --create-home ironic
RUN pip install --no-cache-dir ironic==39.0.0 python-ironicclient
COPY shim-python /src/shim-python
RUN pip install --no-cache-dir /src/shim-python
COPY scripts/ironic_conf.py /usr/local/lib/valence/ironic_conf.py
COPY docker/ironic-entrypoint.sh /usr/local/bin/ironic-entrypoint.sh
USER ironic
EXPOSE 6385
ENTRYPOINT ["/usr/local/bin/ironic-entrypoint.sh"]

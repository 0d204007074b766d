#!/bin/sh
# Writes ironic.conf from the environment, makes or upgrades the SQLite
# schema, then runs Ironic in single-process mode.
set -eu
state=/var/lib/ironic
conf=$state/ironic.conf
python3 /usr/local/lib/valence/ironic_conf.py \
    --output "$conf" --state-dir "$state" \
    --api-host 0.0.0.0 --api-port 6385 \
    --service-url "${VALENCE_SERVICE_URL:-http://service:8080}" \
    --sync-interval "${IRONIC_POWER_SYNC_INTERVAL:-60}"
if [ -f "$state/ironic.sqlite" ]; then
    ironic-dbsync --config-file "$conf" upgrade
else
    ironic-dbsync --config-file "$conf" create_schema
fi
exec ironic --config-file "$conf"

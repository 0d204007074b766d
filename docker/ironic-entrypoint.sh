#!/bin/sh
# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.

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

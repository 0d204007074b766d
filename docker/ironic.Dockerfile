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

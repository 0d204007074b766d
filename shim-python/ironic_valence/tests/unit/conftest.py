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


# Ironic's unit-test package picks oslo.service's threading backend on
# import, and that has to happen before anything imports oslo.service's
# looping calls (ironic.conductor does), which would select eventlet.
# pytest loads this file before the test modules.
import ironic.tests.unit  # noqa: F401

# Loading the hardware type imports Ironic modules (zeroconf through
# ironic.common.mdns) that run ldconfig on first import; Ironic's test base
# forbids subprocesses while a test runs, so they are imported up front,
# as they are in Ironic's own test runs.
import ironic_valence.hardware  # noqa: E402,F401

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

"""The vocabulary shared by the shim and the valence-driver-service.

This module is the single written copy of the shim-to-service contract's
words: the Java service's test suite loads it with Jython 2.7 and fails when
its enums disagree. Keep it plain data (no imports, no f-strings, no type
hints) so that CPython 3 and Jython 2.7 both read it.

The HTTP shapes (paths, bodies) are documented in docs/openapi.yaml, which
the service generates; the errors it lists for each operation come from
OPERATION_ERRORS below.
"""

API_VERSION_PREFIX = '/v1'

# Ironic's request id travels to the service, and from there to Valence,
# under this header.
REQUEST_ID_HEADER = 'X-Openstack-Request-Id'

# A Valence composed-node id goes into URL paths, so both sides accept only
# a UUID or a similar safe token: letters, digits, '-' and '_', never '.',
# '/' or '%'. The same regular expression works in Python's re and Java's
# java.util.regex.
NODE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'

# The time budget, in seconds, that the service keeps and the shim relies
# on. The service answers a request that is not a power change within
# READ_BUDGET_SECONDS, and a power change within the "timeout" its body
# names (POWER_TIMEOUT_MIN_SECONDS to POWER_TIMEOUT_MAX_SECONDS): every
# Valence call, retry and wait made for the request fits in that budget,
# and no action is sent once it is spent. The answer may come up to
# ANSWER_OVERSHOOT_SECONDS late (the Valence call in flight is cut off).
# The shim waits budget + ANSWER_OVERSHOOT_SECONDS + its own margin, so the
# service always answers before the shim gives up.
READ_BUDGET_SECONDS = 10
POWER_TIMEOUT_MIN_SECONDS = 1
POWER_TIMEOUT_MAX_SECONDS = 3600
ANSWER_OVERSHOOT_SECONDS = 1

# Ironic's own power state strings (ironic.common.states).
POWER_ON = 'power on'
POWER_OFF = 'power off'
REBOOT = 'rebooting'
SOFT_REBOOT = 'soft rebooting'
SOFT_POWER_OFF = 'soft power off'
# Reported when Valence gives a power state that maps to neither on nor off
# (null, or a value it did not document): never a guess.
POWER_ERROR = 'error'

# What the service can read back from a node.
POWER_STATES_READ = (POWER_ON, POWER_OFF, POWER_ERROR)

# What the service can be asked to reach. Soft power off is absent on
# purpose: Valence has no GracefulShutdown reset type, so it is refused
# with UNSUPPORTED.
SUPPORTED_POWER_STATES = (POWER_ON, POWER_OFF, REBOOT, SOFT_REBOOT)

# Boot devices, in Ironic's words (ironic.common.boot_devices).
BOOT_DEVICE_PXE = 'pxe'
BOOT_DEVICE_DISK = 'disk'
SUPPORTED_BOOT_DEVICES = (BOOT_DEVICE_PXE, BOOT_DEVICE_DISK)

# The node document's "health": Redfish's words, as Valence reports them
# (absent when Valence reports none or another word).
HEALTH_STATES = ('OK', 'Warning', 'Critical')

# The keys of the node document's "inventory" object.
INVENTORY_CPUS = 'cpus'
INVENTORY_MEMORY_MB = 'memory_mb'
INVENTORY_CPU_ARCH = 'cpu_arch'
INVENTORY_LOCAL_GB = 'local_gb'
INVENTORY_MACS = 'macs'
INVENTORY_KEYS = (INVENTORY_CPUS, INVENTORY_MEMORY_MB, INVENTORY_CPU_ARCH,
                  INVENTORY_LOCAL_GB, INVENTORY_MACS)

# The stable "code" member of the service's RFC 9457 problem documents, and
# the HTTP status each comes with.
NODE_NOT_FOUND = 'NODE_NOT_FOUND'
INVALID_REQUEST = 'INVALID_REQUEST'
UNSUPPORTED = 'UNSUPPORTED'
UNAUTHORIZED = 'UNAUTHORIZED'
# A token the service accepts, but with the read role only, on a change.
FORBIDDEN = 'FORBIDDEN'
VALENCE_UNREACHABLE = 'VALENCE_UNREACHABLE'
VALENCE_TIMEOUT = 'VALENCE_TIMEOUT'
VALENCE_ERROR = 'VALENCE_ERROR'
POWER_STATE_TIMEOUT = 'POWER_STATE_TIMEOUT'
# The node began moving to the target, then settled in the other power state:
# another change (another replica of the service, or someone behind Valence's
# back) reversed this one.
POWER_STATE_CONFLICT = 'POWER_STATE_CONFLICT'
# A fault of the service itself; its log has the details under the request id.
INTERNAL_ERROR = 'INTERNAL_ERROR'
# Composition: no Valence flavor has that uuid or name; a composed node
# already has that name; Valence or its PODM could not compose the node (it
# refused, or the node ended Failed); the node was not Assembled in time.
FLAVOR_NOT_FOUND = 'FLAVOR_NOT_FOUND'
NAME_IN_USE = 'NAME_IN_USE'
COMPOSITION_FAILED = 'COMPOSITION_FAILED'
COMPOSITION_TIMEOUT = 'COMPOSITION_TIMEOUT'
# The service is shutting down: this replica took no action for the request,
# so another replica may take it. A request that had already sent an action
# when the shutdown began is answered with its timeout code instead
# (POWER_STATE_TIMEOUT with actions_sent, COMPOSITION_TIMEOUT with node_id).
SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE'
# No such route in the service's API (e.g. a shim newer than the service).
ROUTE_NOT_FOUND = 'ROUTE_NOT_FOUND'

ERROR_STATUS = {
    NODE_NOT_FOUND: 404,
    INVALID_REQUEST: 400,
    UNSUPPORTED: 422,
    UNAUTHORIZED: 401,
    FORBIDDEN: 403,
    VALENCE_UNREACHABLE: 502,
    VALENCE_TIMEOUT: 504,
    VALENCE_ERROR: 502,
    POWER_STATE_TIMEOUT: 504,
    POWER_STATE_CONFLICT: 409,
    INTERNAL_ERROR: 500,
    FLAVOR_NOT_FOUND: 404,
    NAME_IN_USE: 409,
    COMPOSITION_FAILED: 409,
    COMPOSITION_TIMEOUT: 504,
    SERVICE_UNAVAILABLE: 503,
    ROUTE_NOT_FOUND: 404,
}

ERROR_CODES = tuple(sorted(ERROR_STATUS))

# The codes each operation of the API can answer, by its operationId in
# docs/openapi.yaml. The connection check reports Valence's failures in its
# 200 answer, so only the other operations answer them as errors. A
# composition answers NODE_NOT_FOUND when its new node is deleted while it
# waits for it to be Assembled. ROUTE_NOT_FOUND is answered by no operation:
# it is the answer of a path the API does not have (ROUTE_ERRORS).
_EVERY_OPERATION = (INVALID_REQUEST, UNAUTHORIZED, INTERNAL_ERROR,
                    SERVICE_UNAVAILABLE)
_VALENCE_FAILURES = (VALENCE_UNREACHABLE, VALENCE_TIMEOUT, VALENCE_ERROR)
_LISTS = _EVERY_OPERATION + _VALENCE_FAILURES
_ASKS_VALENCE = _LISTS + (NODE_NOT_FOUND,)
_CHANGES = _ASKS_VALENCE + (FORBIDDEN,)
OPERATION_ERRORS = {
    'connection': _EVERY_OPERATION,
    'nodes': _LISTS,
    'flavors': _LISTS,
    'compose': _CHANGES + (FLAVOR_NOT_FOUND, NAME_IN_USE, COMPOSITION_FAILED,
                           COMPOSITION_TIMEOUT),
    'decompose': _CHANGES,
    'node': _ASKS_VALENCE,
    'powerState': _ASKS_VALENCE,
    'setPowerState': _CHANGES + (UNSUPPORTED, POWER_STATE_TIMEOUT,
                                 POWER_STATE_CONFLICT),
    'bootDevice': _ASKS_VALENCE,
    'setBootDevice': _CHANGES,
    'powerReads': _EVERY_OPERATION,
}
ROUTE_ERRORS = (ROUTE_NOT_FOUND,)

# The list of composed nodes (GET /v1/nodes) comes in pages, in the order
# of node_id, so that a pod of many thousand nodes is listed within the read
# budget of each call. The query parameter NODE_LIST_LIMIT names the most
# nodes of a page (1 to NODE_LIST_MAX_LIMIT; NODE_LIST_DEFAULT_LIMIT when
# absent), NODE_LIST_MARKER the node_id after which the page begins (the
# first page when absent); each at most once, and no other parameter. The
# answer is {NODE_LIST_NODES: [...], NODE_LIST_NEXT_MARKER: id or null}:
# the marker of the next page, null on the last one. A page may hold fewer
# nodes than the limit and still have a next one (a node deleted while the
# page was read is left out): only a null marker ends the list. A page the
# service cannot read whole within its budget is an error, never a shorter
# page.
NODE_LIST_LIMIT = 'limit'
NODE_LIST_MARKER = 'marker'
NODE_LIST_NODES = 'nodes'
NODE_LIST_NEXT_MARKER = 'next_marker'
NODE_LIST_DEFAULT_LIMIT = 500
NODE_LIST_MAX_LIMIT = 1000

# Power reads of many nodes in one call (POST /v1/power-reads), which the
# shim makes ahead of Ironic's periodic power sync so that the sync costs
# the conductor one HTTP exchange per batch rather than per node. A batch
# names 1 to POWER_READS_MAX_NODES distinct node ids. Its answer holds
# every id once: a power read (the GET /v1/nodes/{id}/power document), or
# {"error": code} with one of POWER_READ_ERRORS, for a node whose read
# failed or did not end within the batch's read budget. Valence's failures
# are the nodes', so the batch itself fails only as every operation can.
POWER_READS_MAX_NODES = 100
POWER_READ_ERRORS = (NODE_NOT_FOUND,) + _VALENCE_FAILURES + (INTERNAL_ERROR,)

# A power read also carries the node's composition_state: Valence's
# node_state as it is (Allocating, Allocated, Assembling, Assembled, Failed),
# so that the power sync can tell a node whose composition failed.
COMPOSITION_STATE_FAILED = 'Failed'

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


"""The words the `baremetal valence` commands and the conductor share.

The commands call the valence vendor interface through Ironic's API, and
read what it did in the Ironic node's history. This module imports nothing
of Ironic's, so that the CLI, which runs where the operator is, can use it.
"""

DRIVER = 'valence'
NODE_ID_FIELD = 'valence_node_id'
ASSEMBLED = 'Assembled'

# Driver vendor passthru methods, answered at once.
LIST_COMPOSED_NODES = 'list_composed_nodes'
LIST_FLAVORS = 'list_flavors'
# Decomposes a composed node that no Ironic node drives; argument NODE_ID.
DECOMPOSE = 'decompose'
NODE_ID = 'node_id'

# Node vendor passthru methods.
# Asynchronous: composes a node for the Ironic node, which then drives it;
# arguments NAME, FLAVOR, TIMEOUT and optionally DESCRIPTION.
COMPOSE = 'compose'
NAME = 'name'
FLAVOR = 'flavor'
TIMEOUT = 'timeout'
DESCRIPTION = 'description'

# The manual clean step that decomposes the composed node of a retired
# Ironic node; once done, the node's driver_internal_info names the
# composed node it released under RELEASED_NODE_ID.
RELEASE_STEP = 'release_composed_node'
RELEASE_STEP_INTERFACE = 'management'
RELEASED_NODE_ID = 'valence_released_node_id'

# The event type of the node history entries these methods record: one
# entry for each call's outcome, of severity ERROR when it failed.
HISTORY_EVENT_TYPE = 'valence'

# Provision states in which a node may be serving a workload: releasing
# its composed node would pull the hardware from under that workload.
IN_USE_STATES = ('active', 'deploying', 'wait call-back', 'deploy hold',
                 'rescue', 'rescuing', 'rescue wait', 'rescue failed',
                 'unrescuing', 'unrescue failed')

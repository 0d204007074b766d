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


"""The plugin's rules in Ironic's policy engine.

Ironic's API lets a call through to a vendor passthru method by one rule
for them all (baremetal:driver:vendor_passthru or
baremetal:node:vendor_passthru). The composition methods are checked once
more in the conductor, each by a rule of its own, before anything is sent
to the driver service: reading the composed nodes and the flavors is for
readers, changing what is composed is for admins. The rules are
registered in Ironic's own enforcer, so that policy.yaml overrides them as
it overrides Ironic's, and `oslopolicy-sample-generator --namespace
ironic_valence` lists them.

Enrolling a composed node is Ironic's own work too, guarded by Ironic's
rules alone: baremetal:node:create (with the composed node's id in
driver_info), baremetal:node:update (a node of that name that drives
nothing) and baremetal:node:set_provision_state (manage, whose
verification checks the composed node and records it). Retiring an Ironic
node and releasing its composed node is Ironic's own work, guarded by
Ironic's rules alone: baremetal:node:update:retired,
baremetal:node:set_provision_state (manage, and the cleaning that runs the
management interface's release_composed_node step, with
baremetal:node:set_provision_state:clean_steps),
baremetal:node:clear_maintenance and baremetal:node:delete. RETIRE keeps
its name, which is the command's, for what Ironic has no rule of: the
decomposition of a composed node that no Ironic node drives.
"""

import threading

from ironic.common import exception
from ironic.common import policy
from oslo_policy import policy as oslo_policy

LIST_NODES = 'baremetal:valence:list_nodes'
LIST_FLAVORS = 'baremetal:valence:list_flavors'
COMPOSE = 'baremetal:valence:compose'
RETIRE = 'baremetal:valence:retire'


def _node_call(method, http_method='POST'):
    return {'path': '/v1/nodes/{node_ident}/vendor_passthru?method=%s'
            % method, 'method': http_method}


def _driver_call(method, http_method):
    return {'path': '/v1/drivers/valence/vendor_passthru?method=%s' % method,
            'method': http_method}


_RULES = [
    oslo_policy.DocumentedRuleDefault(
        name=LIST_NODES, check_str=policy.SYSTEM_READER,
        scope_types=['system'],
        description='List the Valence composed nodes',
        operations=[_driver_call('list_composed_nodes', 'GET')]),
    oslo_policy.DocumentedRuleDefault(
        name=LIST_FLAVORS, check_str=policy.SYSTEM_READER,
        scope_types=['system'],
        description='List the flavors Valence composes nodes from',
        operations=[_driver_call('list_flavors', 'GET')]),
    oslo_policy.DocumentedRuleDefault(
        name=COMPOSE, check_str=policy.SYSTEM_ADMIN,
        scope_types=['system'],
        description='Compose a node in Valence for an Ironic node',
        operations=[_node_call('compose')]),
    oslo_policy.DocumentedRuleDefault(
        name=RETIRE, check_str=policy.SYSTEM_ADMIN,
        scope_types=['system'],
        description='Decompose a composed node no Ironic node drives '
                    '(baremetal valence node retire <valence node uuid>)',
        operations=[_driver_call('decompose', 'POST')]),
]

_registered = threading.Lock()


def list_rules():
    """The rules, for oslo.policy's tools (namespace ``ironic_valence``)."""
    return _RULES


def authorize(rule, context, target=None):
    """Check a rule with the credentials of the request's context.

    The rules join Ironic's enforcer on first use: the enforcer reads its
    policy file from the configuration, which is loaded by then.

    :param rule: one of this module's rule names.
    :param context: the request context.
    :param target: the object acted on, as Ironic's rules see it.
    :raises: HTTPForbidden when the rule refuses (only under
        auth_strategy = keystone, as Ironic's own rules).
    """
    enforcer = policy.get_enforcer()
    with _registered:
        if rule not in enforcer.registered_rules:
            enforcer.register_defaults(_RULES)
    try:
        policy.authorize(rule, target or {}, context.to_policy_values())
    except oslo_policy.InvalidScope:
        raise exception.HTTPForbidden(resource=rule)

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


"""Valence out-of-band inspection, from the composed node's metadata.

As Ironic's redfish inspection does, it builds an inventory in Ironic's
format (the one ironic-python-agent sends), runs the configured inspection
hooks on it, stores it with the hooks' plugin data, and applies the
operator's inspection rules.
"""

from oslo_log import log

from ironic.common import exception
from ironic.common.i18n import _
from ironic.common.inspection_rules import engine
from ironic.common import states
from ironic.drivers import base
from ironic.drivers.modules import inspect_utils

from ironic_valence import conf as valence_conf
from ironic_valence import protocol
from ironic_valence import utils

CONF = valence_conf.CONF
LOG = log.getLogger(__name__)

# What Valence must report; it has no disks, so local_gb is never set by
# inspection and stays whatever the operator gave.
_REQUIRED = (protocol.INVENTORY_MEMORY_MB, protocol.INVENTORY_CPU_ARCH)

# The node properties inspection must leave set (by the shim, a hook or a
# rule): Ironic's essential properties but local_gb.
_ESSENTIAL = ('memory_mb', 'cpu_arch')


def _failure(message):
    return exception.HardwareInspectionFailure(error=message)


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _read_inventory(task, answer):
    """Check the service's inventory and return it.

    :raises: HardwareInspectionFailure if it breaks the contract, or if
        Valence reports no memory size or CPU architecture.
    """
    utils.macs_of(task, answer, _failure)
    inventory = answer['inventory']
    cpus = inventory.get(protocol.INVENTORY_CPUS)
    memory_mb = inventory.get(protocol.INVENTORY_MEMORY_MB)
    cpu_arch = inventory.get(protocol.INVENTORY_CPU_ARCH)
    local_gb = inventory.get(protocol.INVENTORY_LOCAL_GB)
    if ((cpus is not None and not _positive_int(cpus))
            or (memory_mb is not None and not _positive_int(memory_mb))
            or (local_gb is not None and not _positive_int(local_gb))
            or (cpu_arch is not None and not isinstance(cpu_arch, str))):
        raise utils.malformed_answer(_failure, utils.READ_NODE, task, answer)
    missing = [name for name in _REQUIRED if inventory.get(name) is None]
    if missing:
        raise _failure(
            _('Valence reports no %(missing)s for node %(node)s') %
            {'missing': ', '.join(missing), 'node': task.node.uuid})
    return inventory


def _ironic_inventory(inventory):
    """The service's inventory in Ironic's inventory format.

    Valence gives no boot mode, PXE NIC, disks or system vendor, so those
    keys are absent rather than guessed (its storage figure is a total over
    the system's disks, not a disk); the CPU count defaults to 0 as in
    redfish inspection, so that hooks and rules find the key.
    """
    return {
        'cpu': {'count': inventory.get(protocol.INVENTORY_CPUS) or 0,
                'architecture': inventory[protocol.INVENTORY_CPU_ARCH]},
        'memory': {'physical_mb': inventory[protocol.INVENTORY_MEMORY_MB]},
        # Valence names no NICs, and hooks skip an interface without a
        # name: they are numbered in Valence's order.
        'interfaces': [{'name': 'nic%d' % index, 'mac_address': mac}
                       for index, mac in enumerate(
                           inventory[protocol.INVENTORY_MACS])],
    }


class ValenceInspect(utils.DriverInfoMixin, base.InspectInterface):

    def __init__(self):
        """Load the hooks of [valence]inspection_hooks.

        :raises: RuntimeError if a hook is missing or fails to load, and
            HardwareInspectionFailure if a hook comes before one it depends
            on; either keeps the conductor from loading the interface.
        """
        super().__init__()
        enabled_hooks = [hook.strip()
                         for hook in CONF.valence.inspection_hooks.split(',')
                         if hook.strip()]
        self.hooks = inspect_utils.validate_inspection_hooks('valence',
                                                             enabled_hooks)

    @utils.METRICS.timer('ValenceInspect.inspect_hardware')
    def inspect_hardware(self, task):
        """Inspect the composed node through Valence's metadata.

        Sets the node's properties memory_mb and cpus, builds an inventory
        in Ironic's format (CPU, memory, NICs), runs the inspection hooks
        of [valence]inspection_hooks on it (by default they check the NICs,
        create a port per NIC and set cpu_arch), stores the inventory and
        the hooks' plugin data, and applies the inspection rules of the
        main phase. local_gb is set to the root disk size the service
        derives from the storage Valence reports for the node's computer
        system, and left as it is when Valence reports none. Valence names
        no disk (no serial, no per-disk size), so no root device hint is
        set.

        :param task: a TaskManager instance.
        :returns: states.MANAGEABLE
        :raises: InvalidParameterValue on bad driver_info, or if Valence
            does not know the composed node.
        :raises: MissingParameterValue on missing driver_info.
        :raises: HardwareInspectionFailure if the service cannot be reached,
            fails, answers outside its contract, Valence reports no memory
            size or CPU architecture, a hook or rule fails, or memory_mb
            or cpu_arch is still unset afterwards.
        """
        answer = utils.get_composed_node(task, _failure)
        valence_inventory = _read_inventory(task, answer)

        properties = task.node.properties
        properties['memory_mb'] = valence_inventory[
            protocol.INVENTORY_MEMORY_MB]
        cpus = valence_inventory.get(protocol.INVENTORY_CPUS)
        if cpus is not None:
            properties['cpus'] = cpus
        local_gb = valence_inventory.get(protocol.INVENTORY_LOCAL_GB)
        if local_gb is not None:
            properties['local_gb'] = local_gb
        task.node.properties = properties
        task.node.save()

        inventory = _ironic_inventory(valence_inventory)
        plugin_data = {}
        inspect_utils.run_inspection_hooks(task, inventory, plugin_data,
                                           self.hooks, None)
        inspect_utils.store_inspection_data(task.node, inventory,
                                            plugin_data, task.context)
        engine.apply_rules(task, inventory, plugin_data, 'main')

        missing = [name for name in _ESSENTIAL
                   if task.node.properties.get(name) is None]
        if missing:
            raise _failure(
                _('Inspection of node %(node)s left %(missing)s unset; the '
                  'architecture hook sets cpu_arch from the inventory') %
                {'node': task.node.uuid, 'missing': ', '.join(missing)})
        if 'local_gb' not in task.node.properties:
            LOG.warning('Valence reports no storage for the computer '
                        'system of node %s: set its properties/local_gb '
                        'yourself if it is to be deployed', task.node.uuid)
        task.node.save()
        LOG.info('Node %(node)s inspected through Valence: %(props)s, '
                 '%(count)d NIC(s)',
                 {'node': task.node.uuid, 'props': task.node.properties,
                  'count': len(inventory['interfaces'])})
        return states.MANAGEABLE

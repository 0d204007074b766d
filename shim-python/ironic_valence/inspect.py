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


"""Valence out-of-band inspection, from the composed node's metadata."""

from oslo_log import log

from ironic.common import exception
from ironic.common.i18n import _
from ironic.common import states
from ironic.drivers import base
from ironic.drivers.modules import inspect_utils

from ironic_valence import utils

LOG = log.getLogger(__name__)

# What Valence's metadata can tell; it has no disks, so local_gb is never
# set by inspection and stays whatever the operator gave.
_REQUIRED = ('memory_mb', 'cpu_arch')


def _failure(message):
    return exception.HardwareInspectionFailure(error=message)


def _positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _read_inventory(task, answer):
    """Check the service's inventory and return it.

    :raises: HardwareInspectionFailure if it breaks the contract.
    """
    utils.macs_of(task, answer, _failure)
    inventory = answer['inventory']
    cpus = inventory.get('cpus')
    memory_mb = inventory.get('memory_mb')
    cpu_arch = inventory.get('cpu_arch')
    if ((cpus is not None and not _positive_int(cpus))
            or (memory_mb is not None and not _positive_int(memory_mb))
            or (cpu_arch is not None and not isinstance(cpu_arch, str))):
        raise utils.malformed_answer(_failure, utils.READ_NODE, task, answer)
    return inventory


class ValenceInspect(utils.DriverInfoMixin, base.InspectInterface):

    @utils.METRICS.timer('ValenceInspect.inspect_hardware')
    def inspect_hardware(self, task):
        """Inspect the composed node through Valence's metadata.

        Sets the node's properties cpus, memory_mb and cpu_arch, creates a
        port for every NIC MAC that has none yet, and stores the inventory.
        Valence reports no disks, so local_gb is left as it is.

        :param task: a TaskManager instance.
        :returns: states.MANAGEABLE
        :raises: InvalidParameterValue on bad driver_info, or if Valence
            does not know the composed node.
        :raises: MissingParameterValue on missing driver_info.
        :raises: HardwareInspectionFailure if the service cannot be reached,
            fails, answers outside its contract, or Valence reports no
            memory size or CPU architecture.
        """
        answer = utils.get_composed_node(task, _failure)
        inventory = _read_inventory(task, answer)

        missing = [name for name in _REQUIRED if inventory.get(name) is None]
        if missing:
            raise _failure(
                _('Valence reports no %(missing)s for node %(node)s') %
                {'missing': ', '.join(missing), 'node': task.node.uuid})

        properties = task.node.properties
        properties['memory_mb'] = inventory['memory_mb']
        properties['cpu_arch'] = inventory['cpu_arch']
        if inventory.get('cpus') is not None:
            properties['cpus'] = inventory['cpus']
        if 'local_gb' not in properties:
            LOG.warning('Valence reports no disks: set properties/local_gb '
                        'of node %s yourself if it is to be deployed',
                        task.node.uuid)
        task.node.properties = properties
        task.node.save()

        inspect_utils.create_ports_if_not_exist(task, inventory['macs'])
        inspect_utils.store_inspection_data(
            task.node,
            {'cpu': {'count': inventory.get('cpus') or 0,
                     'architecture': inventory['cpu_arch']},
             'memory': {'physical_mb': inventory['memory_mb']},
             'interfaces': [{'mac_address': mac}
                            for mac in inventory['macs']]},
            {}, task.context)
        LOG.info('Node %(node)s inspected through Valence: %(props)s, '
                 '%(count)d NIC(s)',
                 {'node': task.node.uuid, 'props': properties,
                  'count': len(inventory['macs'])})
        return states.MANAGEABLE

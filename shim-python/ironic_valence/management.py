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


"""Valence management interface: boot device, health, NIC addresses, and
the release of a retired node's composed node."""

from ironic.common import exception
from ironic.common.i18n import _
from ironic.common import states
from ironic.conductor import task_manager
from ironic.drivers import base

from ironic_valence import passthru
from ironic_valence import protocol
from ironic_valence import utils

try:
    from ironic.common import health_states
except ImportError:
    # Ironic releases without health monitoring (2025.1 among them) have
    # no health states and never ask a driver for them.
    health_states = None

# The service's health words are Redfish's, as are Ironic's health states.
_HEALTH = ({word: health_states.HealthState(word)
            for word in protocol.HEALTH_STATES}
           if health_states else {})


def _failure(message):
    return exception.DriverOperationError(driver='valence', reason=message)


def _release_failure(message):
    return _failure(_(
        '%s. The Ironic node is kept, retired, and its composed node is not '
        'known to be released: run the cleaning again once the cause is '
        'fixed (a composed node already gone counts as released)')
        % message)


class ValenceManagement(utils.DriverInfoMixin,
                        base.ManagementInterface):

    @utils.METRICS.timer('ValenceManagement.get_supported_boot_devices')
    def get_supported_boot_devices(self, task):
        """Get a list of the supported boot devices.

        :param task: a task from TaskManager.
        :returns: [boot_devices.PXE, boot_devices.DISK]: Valence can boot a
            composed node from the network or its disk only.
        """
        return list(protocol.SUPPORTED_BOOT_DEVICES)

    @utils.METRICS.timer('ValenceManagement.set_boot_device')
    @task_manager.require_exclusive_lock
    def set_boot_device(self, task, device, persistent=False):
        """Set the boot device for the task's node.

        :param task: a task from TaskManager.
        :param device: the boot device, one of get_supported_boot_devices().
        :param persistent: whether the device applies to every boot (True)
            or only the next one (False).
        :raises: InvalidParameterValue on an unsupported device, on bad
            driver_info, or if Valence does not know the composed node.
        :raises: MissingParameterValue on missing driver_info.
        :raises: DriverOperationError if the service cannot be reached,
            fails, or answers outside its contract.
        """
        if device not in protocol.SUPPORTED_BOOT_DEVICES:
            raise exception.InvalidParameterValue(
                _('Invalid boot device %(dev)s specified, supported are '
                  '%(supported)s.') %
                {'dev': device,
                 'supported': ', '.join(protocol.SUPPORTED_BOOT_DEVICES)})
        action = _('Setting boot device %s') % device
        # Setting the same boot device twice does no harm, so the change
        # may go to another replica after one that may have acted failed.
        answer = utils.call_service(
            task, 'PUT', '/boot-device', _failure, action,
            body={'boot_device': device, 'persistent': bool(persistent)},
            replay=True)
        if answer.get('boot_device') != device:
            raise utils.malformed_answer(_failure, action, task, answer)

    @utils.METRICS.timer('ValenceManagement.get_boot_device')
    def get_boot_device(self, task):
        """Get the current boot device for the task's node.

        :param task: a task from TaskManager.
        :returns: a dictionary with ``boot_device`` (pxe, disk, or None when
            Valence reports another target) and ``persistent``, always None
            because Valence does not say whether an override is one-time.
        :raises: InvalidParameterValue on bad driver_info, or if Valence
            does not know the composed node.
        :raises: MissingParameterValue on missing driver_info.
        :raises: DriverOperationError if the service cannot be reached,
            fails, or answers outside its contract.
        """
        action = _('Reading the boot device')
        answer = utils.call_service(task, 'GET', '/boot-device', _failure,
                                    action)
        device = answer.get('boot_device')
        if (device is not None
                and device not in protocol.SUPPORTED_BOOT_DEVICES):
            raise utils.malformed_answer(_failure, action, task, answer)
        return {'boot_device': device, 'persistent': None}

    @utils.METRICS.timer('ValenceManagement.get_sensors_data')
    def get_sensors_data(self, task):
        """Valence exposes no sensors.

        :raises: NotImplementedError, which the conductor's sensor data
            collection treats as "this driver has none".
        """
        raise NotImplementedError()

    @utils.METRICS.timer('ValenceManagement.get_node_health')
    def get_node_health(self, task):
        """Get the health Valence reports for the composed node.

        :param task: A task from TaskManager.
        :returns: a HealthState, or None when Valence reports none.
        :raises: InvalidParameterValue on bad driver_info, or if Valence
            does not know the composed node.
        :raises: MissingParameterValue on missing driver_info.
        :raises: DriverOperationError if the service cannot be reached,
            fails, or answers outside its contract.
        """
        answer = (utils.take_power_read(task)
                  or utils.get_composed_node(task, _failure))
        health = answer.get('health')
        if health is None:
            return None
        if health not in _HEALTH:
            raise utils.malformed_answer(_failure, utils.READ_NODE, task,
                                         answer)
        return _HEALTH[health]

    @utils.METRICS.timer('ValenceManagement.release_composed_node')
    @base.clean_step(priority=0, requires_ramdisk=False)
    def release_composed_node(self, task):
        """Decompose the composed node of a retired node in Valence.

        A manual clean step, out of band, for the end of a composed node's
        life: the node is retired, this releases its hardware to Valence's
        pools, and the Ironic node is deleted next. A composed node Valence
        no longer has counts as released. The outcome is recorded in the
        node's history; a failure also in its last_error.

        :param task: a TaskManager instance containing the node to act on.
        :raises: InvalidParameterValue if the node is not retired (nothing
            is done), or on bad driver_info.
        :raises: MissingParameterValue on missing driver_info.
        :raises: DriverOperationError if the service cannot be reached or
            fails; its message says that the Ironic node is kept and the
            composed node is not known to be released.
        """
        node = task.node
        node_id = utils.parse_driver_info(node)['node_id']
        if not node.retired:
            raise exception.InvalidParameterValue(_(
                'Node %(node)s is not retired, so release_composed_node did '
                'not decompose its Valence composed node %(id)s: nothing was '
                'done. "baremetal node maintenance unset %(node)s" and '
                '"baremetal node manage %(node)s" take it back to '
                'manageable; to release it, retire it first ("baremetal node '
                'set --retired --retired-reason <reason> %(node)s") and '
                'clean it again.') % {'node': node.uuid, 'id': node_id})
        action = _('Releasing Valence composed node %s') % node_id
        try:
            # Sent again to another replica when one failed: a second
            # DELETE of a node the first one released finds it gone.
            utils.call_service(task, 'DELETE', '', _release_failure, action,
                               replay=True, answer=None)
        except exception.InvalidParameterValue as e:
            if not utils.is_composed_node_not_found(e):
                raise
            event = _('Valence composed node %s was already gone; it '
                      'counts as released.') % node_id
        else:
            event = _('Valence composed node %s was decomposed: its '
                      'hardware is back in Valence\'s pools.') % node_id
        event += ' ' + _('Delete the retired Ironic node %s next.') % (
            node.uuid)
        node.set_driver_internal_info(passthru.RELEASED_NODE_ID, node_id)
        utils.record(task, event, event_type=states.CLEANING)

    @utils.METRICS.timer('ValenceManagement.get_mac_addresses')
    def get_mac_addresses(self, task):
        """Get the MAC addresses of the composed node's NICs.

        :param task: A TaskManager instance containing the node to act on.
        :returns: the MAC addresses, lower-case, in Valence's order.
        :raises: InvalidParameterValue on bad driver_info, or if Valence
            does not know the composed node.
        :raises: MissingParameterValue on missing driver_info.
        :raises: DriverOperationError if the service cannot be reached,
            fails, or answers outside its contract.
        """
        return utils.macs_of(task, utils.get_composed_node(task, _failure),
                             _failure)

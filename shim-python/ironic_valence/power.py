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


"""Valence power interface: the driver service does the waiting."""

from oslo_log import log

from ironic.common import exception
from ironic.common import faults
from ironic.common.i18n import _
from ironic.common import states
from ironic.conductor import task_manager
from ironic.conf import CONF
from ironic.drivers import base

from ironic_valence import client
from ironic_valence import passthru
from ironic_valence import protocol
from ironic_valence import readahead
from ironic_valence import utils

LOG = log.getLogger(__name__)

# What a completed change can end in. Which one a target reaches (a reboot
# ends on) is the service's rule (PowerPlan), so the shim reports the state
# the service says it reached.
_STEADY_STATES = (protocol.POWER_ON, protocol.POWER_OFF)

# Above 0, so that Ironic runs it whenever a node is managed; Ironic's
# [conductor]verify_step_priority_override can still set it to 0.
VERIFY_PRIORITY = 90


def _power_timeout(timeout):
    """The timeout to hand to the service.

    :raises: InvalidParameterValue if it is outside what the service takes.
    """
    if timeout is None:
        timeout = CONF.conductor.power_state_change_timeout
    if not (protocol.POWER_TIMEOUT_MIN_SECONDS <= timeout
            <= protocol.POWER_TIMEOUT_MAX_SECONDS):
        raise exception.InvalidParameterValue(
            _('The Valence driver service waits between %(min)s and %(max)s '
              'seconds for a power state change; %(timeout)s was asked '
              'for.') % {'min': protocol.POWER_TIMEOUT_MIN_SECONDS,
                         'max': protocol.POWER_TIMEOUT_MAX_SECONDS,
                         'timeout': timeout})
    return timeout


def _to_maintenance(task, reason):
    """Put the sync's node into maintenance for a fault of its composed node.

    Only in a shared task (the periodic power sync's) of a node that is
    neither in maintenance already (an operator's stays untouched) nor in
    enroll, whose power failure Ironic would never recover. The fault is
    Ironic's power failure, so Ironic's power failure recovery
    ([conductor]power_failure_recovery_interval) takes the node out of
    maintenance once a power read succeeds again, and nothing else of ours
    does.

    :raises: NodeLocked if the lock cannot be upgraded; the next sync
        tries again.
    """
    if (not task.shared or task.node.maintenance
            or task.node.provision_state == states.ENROLL):
        return
    task.upgrade_lock()
    node = task.node
    # Read again under the exclusive lock: an operator may have been first.
    if node.maintenance:
        return
    node.maintenance = True
    node.maintenance_reason = reason
    node.fault = faults.POWER_FAILURE
    node.save()
    LOG.error('Node %(node)s put into maintenance: %(reason)s',
              {'node': node.uuid, 'reason': reason})


class ValencePower(utils.DriverInfoMixin, base.PowerInterface):

    def __init__(self):
        """Check [valence]service_url when the conductor loads the driver.

        Every valence node needs the power interface, so its check stops a
        conductor whose valence nodes could not reach any service.

        :raises: ConfigInvalid if service_url names no URL, or one twice.
        """
        super().__init__()
        invalid = client.check_service_urls(CONF.valence.service_url)
        if invalid:
            raise exception.ConfigInvalid(error_msg=invalid)

    @utils.METRICS.timer('ValencePower.validate')
    def validate(self, task):
        """Check the driver_info, and that no older node drives the same.

        Every action that uses a node's power validates the power interface
        first (manage, provide, deploy, node validate), so this is where a
        second Ironic node of one composed node is stopped. No network
        call; one database query.

        :param task: a TaskManager instance containing the node to act on.
        :raises: InvalidParameterValue on malformed parameter(s), or when
            another, older, Ironic node drives the same composed node (its
            message names that node).
        :raises: MissingParameterValue on missing parameter(s)
        """
        utils.check_sole_driver(task.node)

    @utils.METRICS.timer('ValencePower.get_power_state')
    def get_power_state(self, task):
        """Get the current power state of the task's node.

        In a shared task (the periodic power sync's), the state may come
        from a read made ahead for the sync, at most
        [valence]power_read_ahead_max_age seconds old and never from before
        a power change through this shim (see ironic_valence.readahead);
        in an exclusive task it is always read from the service.

        :param task: a TaskManager instance containing the node to act on.
        :returns: states.POWER_ON, states.POWER_OFF, or states.ERROR when
            Valence reports a state that is neither.
        :raises: MissingParameterValue or InvalidParameterValue on bad
            driver_info, InvalidParameterValue if Valence does not know the
            composed node; in the power sync, such a node is put into
            maintenance first, with a reason that names the composed node.
        :raises: PowerStateFailure if the service cannot be reached, fails
            or gives an answer outside its contract, or if the composed
            node's composition failed (put into maintenance as above).
        :raises: NodeLocked if the sync's lock could not be upgraded to put
            the node into maintenance.
        """
        action = _('Reading the power state')
        try:
            answer = readahead.read_power(task, action)
        except exception.InvalidParameterValue as e:
            if not utils.is_composed_node_not_found(e):
                raise
            node_id = task.node.driver_info['valence_node_id']
            if (task.node.driver_internal_info.get(
                    passthru.RELEASED_NODE_ID) == node_id):
                reason = _(
                    'Valence composed node %s was released by the cleaning '
                    'of this retired node: delete the Ironic node.') % node_id
            else:
                reason = _(
                    'Valence composed node %(id)s is gone: Valence does not '
                    'know it (%(code)s). The node leaves maintenance by '
                    'itself once Valence has it again.') % {
                        'id': node_id, 'code': protocol.NODE_NOT_FOUND}
            _to_maintenance(task, reason)
            raise
        if (answer.get('composition_state')
                == protocol.COMPOSITION_STATE_FAILED):
            reason = _(
                'Valence composed node %(id)s is in composition state '
                '%(state)s. The node leaves maintenance by itself once the '
                'composed node is no longer %(state)s.') % {
                    'id': task.node.driver_info['valence_node_id'],
                    'state': protocol.COMPOSITION_STATE_FAILED}
            _to_maintenance(task, reason)
            raise exception.PowerStateFailure(reason)
        power_state = answer.get('power_state')
        if power_state not in protocol.POWER_STATES_READ:
            raise utils.malformed_answer(exception.PowerStateFailure,
                                         action, task, answer)
        utils.remember_power_read(task, answer)
        return power_state

    @utils.METRICS.timer('ValencePower.check_composed_node')
    @base.verify_step(priority=VERIFY_PRIORITY)
    def check_composed_node(self, task):
        """Check that the composed node is Assembled, and record it.

        Ironic verifies a node on its way from enroll to manageable: how
        every Ironic node comes to drive a composed node, however it was
        created. Ironic reads the power state first in the same task, and
        that answer carries the composition state and the name, so the step
        makes no call of its own. When that read failed, verification fails
        with its message already and the step adds nothing, so as not to
        hide it. The node's history then says, with the user who asked for
        manage, which composed node the node drives.

        :param task: a TaskManager instance containing the node to act on.
        :raises: NodeVerifyFailure if the composed node is not Assembled,
            or if the service fails the one read an older service's power
            read makes necessary.
        :raises: InvalidParameterValue if Valence lacks the composed node
            then.
        """
        answer = utils.kept_power_read(task)
        if answer is None:
            return
        if not {'name', 'composition_state'} <= answer.keys():
            # An older service's power read: the node's document says both.
            answer = utils.get_composed_node(task, exception.NodeVerifyFailure)
        node_id = task.node.driver_info['valence_node_id']
        state = answer.get('composition_state')
        if state != passthru.ASSEMBLED:
            raise exception.NodeVerifyFailure(
                node=task.node.uuid,
                reason=_('Valence composed node %(id)s is %(state)s, not '
                         '%(assembled)s: manage the node again once it is, '
                         'or retire it') %
                {'id': node_id, 'state': state,
                 'assembled': passthru.ASSEMBLED})
        utils.record(task, _('Drives Valence node %(id)s named %(name)s') %
                     {'id': node_id, 'name': answer.get('name')})

    @utils.METRICS.timer('ValencePower.set_power_state')
    @task_manager.require_exclusive_lock
    def set_power_state(self, task, power_state, timeout=None):
        """Set the power state of the task's node and wait until reached.

        :param task: a TaskManager instance containing the node to act on.
        :param power_state: one of get_supported_power_states().
        :param timeout: seconds the service waits for the state; None means
            [conductor]power_state_change_timeout.
        :raises: MissingParameterValue or InvalidParameterValue on bad
            driver_info, InvalidParameterValue if Valence does not know the
            composed node, if the state is not supported or the timeout is
            outside protocol.POWER_TIMEOUT_MIN_SECONDS to
            POWER_TIMEOUT_MAX_SECONDS.
        :raises: PowerStateFailure if the service cannot be reached, fails,
            times out waiting, or answers with anything but power on or off.
        """
        if power_state not in protocol.SUPPORTED_POWER_STATES:
            raise exception.InvalidParameterValue(
                _('Power state %(state)s is not supported by the valence '
                  'power interface; supported are: %(supported)s') %
                {'state': power_state,
                 'supported': ', '.join(protocol.SUPPORTED_POWER_STATES)})
        timeout = _power_timeout(timeout)
        # No read after this change may be answered from before it: not the
        # health read of this task, nor a read made ahead for the sync,
        # including one in flight while the change is made.
        utils.take_power_read(task)
        readahead.forget(task)
        action = _('Setting power state %s') % power_state
        try:
            # Sent to another replica when the one it went to failed, even
            # if that one may have acted: the service reads the node first
            # and sends nothing for a node already at (or on its way to)
            # the target; a reboot is done again in full (at least once).
            answer = utils.call_service(
                task, 'PUT', '/power', exception.PowerStateFailure, action,
                body={'target': power_state, 'timeout': timeout},
                budget=timeout, replay=True, budget_member='timeout')
        finally:
            readahead.forget(task)
        reached = answer.get('power_state')
        if reached not in _STEADY_STATES:
            raise utils.malformed_answer(exception.PowerStateFailure,
                                         action, task, answer)
        LOG.info('Node %(node)s reached %(state)s through Valence',
                 {'node': task.node.uuid, 'state': reached})

    @utils.METRICS.timer('ValencePower.reboot')
    @task_manager.require_exclusive_lock
    def reboot(self, task, timeout=None):
        """Perform a hard reboot of the task's node.

        The service decides the steps (a node that is off is only powered
        on, as Ironic's redfish driver does). A node with disable_power_off
        set is restarted gracefully, because Valence has no reset that
        restarts without powering off first.

        :param task: a TaskManager instance containing the node to act on.
        :param timeout: seconds the service waits for the whole reboot.
        :raises: the exceptions of set_power_state().
        """
        target = (states.SOFT_REBOOT if task.node.disable_power_off
                  else states.REBOOT)
        self.set_power_state(task, target, timeout=timeout)

    @utils.METRICS.timer('ValencePower.get_supported_power_states')
    def get_supported_power_states(self, task):
        """Get a list of the supported power states.

        Soft power off is absent: Valence has no GracefulShutdown.

        :param task: A TaskManager instance containing the node to act on.
        :returns: A list with the supported power states defined
                  in :mod:`ironic.common.states`.
        """
        return list(protocol.SUPPORTED_POWER_STATES)

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


"""Power states read ahead of Ironic's periodic power sync, in batches.

The sync reads every node of the conductor in a shared task, one node after
the other, in the same order each cycle. Most of what a valence node costs
it is the HTTP exchange of that read, so the shim reads the nodes the sync
will come to next in one call (POST /v1/power-reads) and answers the sync's
reads from that batch.

Which nodes come next: every read of the sync puts its node at the end of
a list of known nodes ordered by their last read (an LRU), so the nodes read
longest ago, which the sync reaches first, are at its front. Only a node the
sync read in an earlier cycle than the one under way is due, and only once
its last read is 0.9 of [conductor]sync_power_state_interval old: the list
predicts the sync's order only for the nodes of the last cycle. A cycle is
known to have begun when the sync reads a node it has already read in the
cycle under way; a read in an exclusive task (a power action, a node being
managed) leaves the list as it is. So the first cycle after enrolment and
after the conductor started reads each node once, on its own, instead of
reading ahead the nodes that cycle has just read, which a cycle longer than
the interval would otherwise do, for reads that expire long before the next
cycle.

Nodes new to a later cycle (taken over from a conductor that left Ironic's
hash ring, or enrolled meanwhile): the first read of such a node lists,
once per cycle, the nodes the sync reads from Ironic's database as the
conductor does (not in maintenance, by id; mapped here, and not those the
sync skips: reserved, in a power action, or in a state it does not sync),
and puts those the list does not know, due, among the known nodes not read
yet in the cycle, all in that order, which is the sync's: they are read
ahead with the others instead of each on its own. When a cycle begins with
such a node, the list tells it: most of the known nodes in it come after
that node and were read in the cycle thought under way. The listing also
holds the nodes enrolled after the cycle under way took its own list: that
cycle does not read them, so their reads ahead expire untaken. A node taken
into a batch leaves the list until the sync reads it again: each read
allows at most one read ahead of that node, and a node the sync stops
reading (deleted, in maintenance) is read ahead once more at most; one that
Ironic's hash ring has given to another conductor (the ring names
conductors as they register: host:port with JSON-RPC on a port of their
own) is not read ahead any more.

Freshness: a read ahead answers only a read in a shared task (the sync's),
at most once, and only while it is younger than
[valence]power_read_ahead_max_age, counted from when its batch was sent; no
batch is sent while the oldest read ahead the sync has not passed by has
waited half that untaken, for reads the sync would come to only after they
expired. The sync has passed a read ahead by once it took one further on in
the order they were read ahead in: the sync skipped its node, did not list
it when its cycle began, or read it on its own while its batch was formed,
and comes to it in a later cycle if at all. A read in an exclusive task,
which every power action holds, always asks the service; so does any read
after a power change through this shim, which drops the node's entry and
keeps a batch in flight from storing it.

A batch that fails as a whole (the service down, or an older service
without the endpoint), or that reads none of its nodes (Valence down),
turns read-ahead off for a while; no read ever fails because of read-ahead:
it asks the service on its own instead.
"""

import collections
import threading
import time

from oslo_log import log
from oslo_utils import netutils
from oslo_utils import versionutils

from ironic.common import exception
from ironic.common import hash_ring
from ironic.common import release_mappings
from ironic.conductor import manager
from ironic.db import api as db_api

from ironic_valence import conf as valence_conf
from ironic_valence import exceptions
from ironic_valence import protocol
from ironic_valence import utils

CONF = valence_conf.CONF
LOG = log.getLogger(__name__)

PATH = protocol.API_VERSION_PREFIX + '/power-reads'

# Due at 0.9 of the interval, not 1: a cycle starts one interval after the
# previous one started, and its pace varies a little from cycle to cycle.
_DUE_FRACTION = 0.9
# A batch waits while the oldest read ahead is older than this fraction of
# [valence]power_read_ahead_max_age and not taken yet.
_LINGER_FRACTION = 0.5
# One batch being answered while the next one is on its way.
_MAX_BATCHES_IN_FLIGHT = 2
# The JSON-RPC port under which Ironic names a conductor by its host alone,
# and the conductor RPC API version from which it names it host:port on any
# other (ironic.conductor.base_manager).
_JSON_RPC_DEFAULT_PORT = 8089
_RPC_WITH_PORT = '1.58'
# The least time read-ahead stays off after a batch failed as a whole: an
# older service refuses every batch (404, 405, or 400 INVALID_REQUEST from
# this project's service before the endpoint), which must not cost one
# failed call per node of a cycle.
_MIN_PAUSE_SECONDS = 60


def _count(name):
    # send_counter(), unlike the timers, sends the name as given: the
    # package's prefix is added here so that operators find
    # ironic_valence.ReadAhead.* beside the interfaces' timers.
    utils.METRICS.send_counter(utils.METRICS.get_metric_name(name), 1)


class _BrokenAnswer(Exception):
    """A batch's answer outside the contract."""


class _NothingRead(Exception):
    """A batch that read none of its nodes: Valence is down or failing."""


class _Batch(object):
    """The power reads of some nodes, asked for in one call."""

    def __init__(self, node_ids, sent_at, first):
        self.node_ids = node_ids
        self.sent_at = sent_at
        # The place of its first node in the order of all reads ahead.
        self.first = first
        # When the call gives up at the latest, retries included.
        self.deadline = sent_at + utils.service_client().wait_for(
            protocol.READ_BUDGET_SECONDS)
        self.done = threading.Event()


def _start_thread(function, *args):
    # Under Ironic releases that monkey-patch with eventlet, this is a
    # green thread; under Ironic 39's native threads, a real one.
    threading.Thread(target=function, args=args, daemon=True,
                     name='valence-power-read-ahead').start()


def _reads(answer, node_ids):
    """The usable power reads of a batch's answer, by node id.

    A node's error, or a read that a single power read would refuse, is left
    out: the node is then read on its own, which reports the failure as a
    single read does.

    :raises: _BrokenAnswer if the answer does not hold each node asked for,
        and only those.
    """
    nodes = answer.get('nodes')
    if not isinstance(nodes, dict) or nodes.keys() != set(node_ids):
        raise _BrokenAnswer(
            'the answer does not hold exactly the %d nodes asked for'
            % len(node_ids))
    return {node_id: read for node_id, read in nodes.items()
            if isinstance(read, dict) and 'error' not in read
            and read.get('power_state') in protocol.POWER_STATES_READ}


def _conductor_name():
    """This conductor's name in Ironic's hash ring, as it registers.

    [DEFAULT]host, or host:port with JSON-RPC on a port other than its
    default (so that several conductors can share a host), unless
    [DEFAULT]pin_release_version holds the conductors to an RPC API older
    than that naming.
    """
    if (CONF.rpc_transport != 'json-rpc'
            or CONF.json_rpc.port == _JSON_RPC_DEFAULT_PORT):
        return CONF.host
    release = release_mappings.RELEASE_MAPPING.get(CONF.pin_release_version)
    if release and not versionutils.is_compatible(_RPC_WITH_PORT,
                                                  release['rpc']):
        return CONF.host
    return '%s:%s' % (netutils.escape_ipv6(CONF.host), CONF.json_rpc.port)


def _sync_order(driver):
    """The nodes of a driver that the power sync reads, in its order.

    As ConductorManager._sync_power_states lists them (not in maintenance,
    by id), without those it skips before reading them; whichever
    conductor they are mapped to.

    :param driver: the Ironic nodes' driver.
    :returns: a list of (composed node id, the Ironic node's owner as
        read() takes it).
    """
    nodes = db_api.get_instance().get_nodeinfo_list(
        columns=['uuid', 'driver', 'conductor_group', 'driver_info',
                 'provision_state', 'target_power_state'],
        filters={'maintenance': False, 'driver': driver, 'reserved': False})
    order = []
    for uuid, driver, group, info, state, target in nodes:
        node_id = (info or {}).get('valence_node_id')
        if (state not in manager.SYNC_EXCLUDED_STATES and target is None
                and utils.is_node_id(node_id)):
            order.append((node_id, (uuid, driver, group)))
    return order


def _mapped_here(owner):
    """Whether Ironic's hash ring gives the node to this conductor.

    As the conductor decides which nodes its power sync reads; the rings
    are those the conductor uses, cached, rebuilt from the database every
    [DEFAULT]hash_ring_reset_interval.

    :param owner: the Ironic node's (uuid, driver, conductor_group).
    """
    uuid, driver, conductor_group = owner
    try:
        ring = hash_ring.HashRingManager().get_ring(driver, conductor_group)
    except (exception.DriverNotFound, exception.TemporaryFailure):
        # TemporaryFailure: no conductor alive in the database (heartbeats
        # lapsed); the sync still reads its own node, and a read ahead
        # must never fail that read.
        return False
    return _conductor_name() in ring.get_nodes(uuid.encode('utf-8'))


class ReadAhead(object):
    """The known nodes, the batches in flight and the reads they brought.

    Thread-safe: the sync's workers and the batches' threads share it.
    """

    def __init__(self, clock=time.monotonic, start=_start_thread,
                 mapped=_mapped_here, listing=_sync_order):
        """:param clock: the monotonic clock.

        :param start: runs a function with its arguments in the background.
        :param mapped: whether the sync of this conductor reads a node,
            given its owner (see read()).
        :param listing: the nodes of a driver the sync reads, in its order,
            as _sync_order() gives them.
        """
        self._clock = clock
        self._start = start
        self._mapped = mapped
        self._listing = listing
        self._lock = threading.Lock()
        # node id -> (the sync's cycle, monotonic time, owner) of its last
        # read in a shared task, oldest first.
        self._known = collections.OrderedDict()
        # The sync's cycle under way, counted from 0 since this registry
        # began.
        self._cycle = 0
        # node id -> (monotonic time its batch was sent, its power read,
        # its place in the order of all reads ahead), in about that order.
        self._ready = collections.OrderedDict()
        # How many nodes were read ahead: the place of the next one in the
        # sync's order as predicted.
        self._places = 0
        # The furthest place of a read ahead that the sync took: it has
        # passed by those before it still untaken.
        self._passed = -1
        # node id -> the _Batch in flight that reads it.
        self._pending = {}
        self._in_flight = 0
        self._paused_until = None
        # The last cycle in which the sync's nodes were listed.
        self._listed_cycle = None

    def read(self, context, node_id, shared, owner):
        """A read of the node: answered from a read ahead if it may be.

        Records a read of the sync, and reads ahead if it is time to.

        :param context: the request context of the read; its request id
            goes with the batch it starts.
        :param shared: whether the read is the periodic sync's kind (in a
            shared task); only such a read is answered from a read ahead
            or starts a batch, and any other drops the node's read ahead.
        :param owner: the Ironic node's (uuid, driver, conductor_group).
        :returns: the node's power read (the GET /v1/nodes/{id}/power
            document), or None when the node must be read on its own.
        """
        # Each option is read once per read: this runs once per node per
        # power sync.
        conf = CONF.valence
        size = conf.power_read_ahead
        interval = CONF.conductor.sync_power_state_interval
        if size <= 0 or interval <= 0:
            return None
        if not shared:
            # Not the sync's: the node keeps its place among the known ones.
            self.forget(node_id)
            return None
        max_age = conf.power_read_ahead_max_age
        with self._lock:
            new = not (node_id in self._known or node_id in self._pending
                       or node_id in self._ready)
        answer = self._take(node_id, max_age)
        # Before the caller reads the node on its own, so that a batch this
        # read starts is on its way meanwhile.
        now = self._clock()
        with self._lock:
            self._record(node_id, now, owner)
            # A node new to a cycle after the first: the sync's nodes are
            # listed once in that cycle.
            listing = (new and self._cycle > 0
                       and self._listed_cycle != self._cycle)
            if listing:
                self._listed_cycle = self._cycle
            else:
                batch = self._next_batch(now, size, interval, max_age)
        if listing:
            listed = self._list(owner)
            now = self._clock()
            with self._lock:
                if listed is not None:
                    self._learn(node_id, listed)
                batch = self._next_batch(now, size, interval, max_age)
        if batch is not None:
            try:
                self._start(self._run, context, batch)
            except Exception as e:
                # No thread to be had (RuntimeError): the read goes on, and
                # nobody waits for the batch.
                self._finish(batch, {}, e)
        return answer

    def _list(self, owner):
        """The nodes of the owner's driver that this conductor's sync reads.

        :returns: a list of (node id, owner) in the sync's order, or None
            when they could not be listed.
        """
        try:
            listed = self._listing(owner[1])
        except Exception as e:
            # The database is the sync's too: the read goes on, and the new
            # nodes are read on their own.
            LOG.warning('Could not list the nodes the power sync reads, '
                        'to read new ones ahead: %s', e)
            return None
        return [(n, o) for n, o in listed if self._mapped(o)]

    def _learn(self, read_id, listed):
        """Put the listed nodes the sync has yet to read in its order.

        Those after the node just read in the list: known nodes not read in
        the cycle under way and unknown ones (due at once) go first, in the
        list's order; the others follow as they were. Called with the lock
        held, once the node just read is recorded.

        :param read_id: the node just read, new to this registry.
        :param listed: (node id, owner) of the sync's nodes, in its order.
        """
        ids = [node_id for node_id, _owner in listed]
        after = listed[ids.index(read_id) + 1:] if read_id in ids else listed
        read_after = [node_id for node_id, _owner in after
                      if self._known.get(node_id, (None,))[0] == self._cycle]
        known = [node_id for node_id in ids
                 if node_id in self._known and node_id != read_id]
        if len(read_after) * 2 > len(known):
            # Most known nodes the sync reads come after this one and were
            # read in the cycle under way: it has begun another cycle with
            # this node, which no earlier read of the cycle told. Counted
            # against all the known nodes listed: near the list's end, the
            # sync's other workers may have read the few after it meanwhile.
            self._cycle += 1
            if read_id in self._known:
                self._known[read_id] = ((self._cycle,)
                                        + self._known[read_id][1:])
        ahead = collections.OrderedDict()
        for node_id, owner in after:
            last = self._known.get(node_id)
            if last is None:
                if node_id in self._pending or node_id in self._ready:
                    continue
                last = (self._cycle - 1, float('-inf'), owner)
            elif last[0] == self._cycle:
                continue
            ahead[node_id] = last
        for node_id, last in self._known.items():
            ahead.setdefault(node_id, last)
        self._known = ahead

    def _record(self, node_id, now, owner):
        """Put the node the sync reads at the end of the known ones.

        Called with the lock held.
        """
        last = self._known.pop(node_id, None)
        if last is not None and last[0] == self._cycle:
            # The sync reads each node once per cycle.
            self._cycle += 1
        self._known[node_id] = (self._cycle, now, owner)

    def _take(self, node_id, max_age):
        """The node's read ahead, at most once, if it is fresh.

        Waits for a batch in flight that reads the node, at most until that
        batch's own call gives up.

        :returns: the node's power read (the GET /v1/nodes/{id}/power
            document), or None when the node must be read on its own.
        """
        with self._lock:
            entry = self._pop_ready(node_id)
            batch = self._pending.get(node_id) if entry is None else None
        if batch is not None:
            batch.done.wait(max(0.0, batch.deadline - self._clock()))
            with self._lock:
                entry = self._pop_ready(node_id)
                if self._pending.get(node_id) is batch:
                    # Given up on: the batch must not store it any more.
                    del self._pending[node_id]
        if (entry is None or self._clock() - entry[0]
                > max_age):
            _count('ReadAhead.miss')
            return None
        _count('ReadAhead.hit')
        return entry[1]

    def _pop_ready(self, node_id):
        """Take the node's read ahead out of the ready ones, for the sync.

        The sync has come to the read's place in their order. Called with
        the lock held.

        :returns: (time its batch was sent, power read, place), or None.
        """
        entry = self._ready.pop(node_id, None)
        if entry is not None:
            self._passed = max(self._passed, entry[2])
        return entry

    def forget(self, node_id):
        """Drop what was or is being read ahead of the node.

        For a read that must be fresh, and around a power change: a batch in
        flight will not store the node's read.
        """
        with self._lock:
            self._ready.pop(node_id, None)
            self._pending.pop(node_id, None)

    def _next_batch(self, now, size, interval, max_age):
        """Take the due nodes of a new batch out of the known ones.

        Called with the lock held.

        :returns: a _Batch, or None when no batch is to be sent now.
        """
        if self._paused_until is not None and now < self._paused_until:
            return None
        if self._in_flight >= _MAX_BATCHES_IN_FLIGHT:
            return None
        # Reads that nobody took (the node was deleted, or read in an
        # exclusive task meanwhile) would otherwise count as ready forever.
        while self._ready:
            node_id, (sent_at, _read, _place) = next(
                iter(self._ready.items()))
            if now - sent_at <= max_age:
                break
            del self._ready[node_id]
        if len(self._ready) + len(self._pending) >= size:
            return None
        # The oldest read ahead the sync has not passed by: one it passed
        # by would hold back every batch until it expired.
        waiting = next((sent_at for sent_at, _read, place
                        in self._ready.values() if place > self._passed),
                       None)
        if waiting is not None and now - waiting > _LINGER_FRACTION * max_age:
            # The sync comes to the nodes read ahead more slowly than they
            # were read (it reads many others on their own, as in a cycle
            # over nodes new to it): reads sent now would expire before it
            # comes to them, each a second read of its node.
            return None
        due = now - _DUE_FRACTION * interval
        node_ids = []
        taken_over = []
        for node_id, (cycle, last_read, owner) in self._known.items():
            if (cycle == self._cycle or last_read > due
                    or len(node_ids) == size):
                break
            if self._mapped(owner):
                node_ids.append(node_id)
            else:
                # Another conductor's sync reads it now.
                taken_over.append(node_id)
        for node_id in taken_over:
            del self._known[node_id]
        if not node_ids:
            return None
        batch = _Batch(node_ids, now, self._places)
        self._places += len(node_ids)
        for node_id in node_ids:
            del self._known[node_id]
            self._pending[node_id] = batch
        self._in_flight += 1
        return batch

    def _run(self, context, batch):
        """Send the batch and store what it read (in the background)."""
        _count('ReadAhead.batch')
        reads = {}
        failure = None
        try:
            answer = utils.service_client().request(
                context, 'POST', PATH, body={'nodes': batch.node_ids},
                read=True)
            reads = _reads(answer, batch.node_ids)
            if not reads:
                # The sync's reads of these nodes fall back to single reads
                # anyway; when no node could be read, the next batches would
                # only add their own waits and Valence calls to every one.
                raise _NothingRead(
                    'none of the %d nodes could be read: %s' % (
                        len(batch.node_ids), ', '.join(sorted({
                            str(read.get('error')) for read in
                            answer['nodes'].values()
                            if isinstance(read, dict)}))))
        except (exceptions.ValenceServiceError, _BrokenAnswer,
                _NothingRead) as e:
            failure = e
        except Exception as e:
            # Nothing of a batch may break a read; the sync's own read
            # reports what is wrong with the service.
            LOG.exception('Unexpected failure of a power read-ahead')
            failure = e
        finally:
            self._finish(batch, reads, failure)

    def _finish(self, batch, reads, failure):
        """Store what a batch read, and wake the reads waiting for it.

        :param reads: the usable power reads, by node id.
        :param failure: the exception the batch failed with, or None.
        """
        with self._lock:
            self._in_flight -= 1
            for place, node_id in enumerate(batch.node_ids, batch.first):
                # Not if the node was read, or changed, meanwhile.
                if self._pending.get(node_id) is batch:
                    del self._pending[node_id]
                    if node_id in reads:
                        self._ready[node_id] = (batch.sent_at,
                                                reads[node_id], place)
            if failure is not None:
                self._pause(failure)
        batch.done.set()

    def _pause(self, failure):
        """Turn read-ahead off for a while after a batch failed as a whole.

        Called with the lock held; logs once per pause.
        """
        now = self._clock()
        if self._paused_until is not None and now < self._paused_until:
            return
        seconds = max(_MIN_PAUSE_SECONDS,
                      CONF.conductor.sync_power_state_interval)
        self._paused_until = now + seconds
        LOG.warning('Reading power states ahead of the power sync failed; '
                    'each node is read on its own for the next %(seconds)s '
                    'seconds: %(error)s',
                    {'seconds': seconds,
                     'error': utils.service_client().redact(str(failure))})


_READ_AHEAD = ReadAhead()


def read_power(task, action):
    """The task's node's power read, read ahead if the task allows it.

    :param task: a TaskManager instance containing the node to act on.
    :param action: what is being done, for the message of a failure.
    :returns: the service's GET /v1/nodes/{id}/power document.
    :raises: the exceptions of utils.call_service(), with PowerStateFailure
        for a failed call.
    """
    node = task.node
    node_id = utils.parse_driver_info(node)['node_id']
    answer = _READ_AHEAD.read(
        task.context, node_id, task.shared,
        (node.uuid, node.driver, node.conductor_group))
    if answer is None:
        answer = utils.call_service(task, 'GET', '/power',
                                    exception.PowerStateFailure, action)
    return answer


def forget(task):
    """Drop what was or is being read ahead of the task's node.

    :raises: MissingParameterValue or InvalidParameterValue on bad
        driver_info.
    """
    _READ_AHEAD.forget(utils.parse_driver_info(task.node)['node_id'])

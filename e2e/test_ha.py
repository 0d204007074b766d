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

"""End to end in the production topology: no single point of failure.

PostgreSQL, `ironic-api`, two `ironic-conductor` processes (JSON-RPC) and
two replicas of the driver service, both in every conductor's
`[valence]service_url`, in front of one emulator (ha_stack). Each test
stops or kills one process and checks, with figures, what Ironic's
operator sees: which conductor has a node, whether power states still
follow changes made in Valence, which power actions reached Valence, and
that no node went into maintenance. What each test measured is printed at
the end of the run (ha_stack.FIGURES). One more checks that the driver's
errors cross the JSON-RPC between API and conductor with their HTTP code.

The tests read Ironic through its REST API, which the `baremetal` CLI
calls: a CLI process takes a second or more to start, too long to see a
takeover to the second or to have several power changes in flight when a
replica dies.
"""

import collections
import concurrent.futures
import secrets
import signal
import time

import pytest
import requests

from ha_stack import CONDUCTORS
from ha_stack import NODE_COUNT
from ha_stack import note
from ha_stack import REPLICAS
from stack import CLI_TIMEOUT_S
from stack import POWER_SYNC_INTERVAL_S
from stack import wait_until

# A takeover after SIGKILL waits out [conductor]heartbeat_timeout (10 s)
# and a ring refresh (5 s); the rest is room for a loaded machine.
TAKEOVER_TIMEOUT_S = 60
# A change made in Valence is seen by the next sync of the node's
# conductor; room for a few syncs on a loaded machine.
FOLLOW_TIMEOUT_S = 10 * POWER_SYNC_INTERVAL_S
SETTLE_TIMEOUT_S = 90
# How long a Valence call lasts while a test waits for one to be in flight
# at a replica: well within the service's 10 s for a read.
SLOW_VALENCE_MS = 1500
IN_FLIGHT_TIMEOUT_S = 30
# Power changes the replica must be serving when it is killed.
CHANGES_IN_FLIGHT = 4
# Ironic's warnings for a power sync that could not read a node, and for a
# node it gave up on (and put in maintenance).
FAILED_SYNC_MARKERS = (
    'During sync_power_state, could not get power state',
    'During sync_power_state, max retries exceeded',
)
# Ironic's gauge of the nodes one power sync of a conductor read, sent as
# the sync ends.
SYNC_NODES_GAUGE = 'ConductorManager.PowerSyncNodesCount'
# The shim's counter of the sync's reads answered by a read ahead.
READ_AHEAD_HITS = 'ironic_valence.ReadAhead.hit'
# The surviving conductor's cycles over every node counted after a takeover.
CYCLES_AFTER_TAKEOVER = 8
# A token added to or removed from a replica's token digests file is seen
# within its recheck interval (5 s); room for a loaded machine.
TOKEN_SEEN_TIMEOUT_S = 30
VALENCE_POWER = {'On': 'power on', 'Off': 'power off'}
OPPOSITE = {'power on': 'power off', 'power off': 'power on'}


def nodes(ha):
    """Ironic's nodes, {uuid: node}, with every field.

    Not only the fields the tests read: Ironic 39 answers 500 when the
    `fields` asked for name `conductor`.
    """
    answer = ha.ironic_api('GET', '/v1/nodes/detail').json()
    return {node['uuid']: node for node in answer['nodes']}


def in_maintenance(ha):
    return sorted(n['name'] for n in nodes(ha).values() if n['maintenance'])


def power_of(ha, uuid):
    """The node's power state in Ironic, while no node is in maintenance.

    :raises AssertionError: as soon as a node is in maintenance.
    """
    current = nodes(ha)
    maintenance = sorted(n['name'] for n in current.values()
                         if n['maintenance'])
    assert maintenance == [], 'in maintenance: %s' % maintenance
    return current[uuid]['power_state']


def valence_power(ha, valence_id):
    """A node's power in Valence, in Ironic's words."""
    return VALENCE_POWER[ha.emulator.node(valence_id)['node_power_state']]


def flip_out_of_band(ha, valence_id):
    """Turns a node's power around in Valence, behind Ironic's back.

    :returns: the power state Ironic should then report.
    """
    now = ha.emulator.node(valence_id)['node_power_state']
    flipped = 'Off' if now == 'On' else 'On'
    ha.emulator.set_power(valence_id, flipped)
    return VALENCE_POWER[flipped]


def follows_out_of_band(ha, enrolled, uuid):
    """Changes a node's power in Valence; waits until Ironic reports it.

    :returns: the seconds Ironic took.
    :raises AssertionError: when it did not within FOLLOW_TIMEOUT_S, or a
        node went into maintenance meanwhile.
    """
    expected = flip_out_of_band(ha, enrolled[uuid])
    started = time.monotonic()
    wait_until('Ironic reporting %s of %s' % (expected, uuid),
               lambda: power_of(ha, uuid) == expected, FOLLOW_TIMEOUT_S)
    return time.monotonic() - started


def watch(ha, seconds):
    """Checks every half second for `seconds` that no node is in maintenance.

    :raises AssertionError: as soon as one is.
    """
    deadline = time.monotonic() + seconds
    for _ in range(int(seconds / 0.5) + 1):
        assert in_maintenance(ha) == []
        if time.monotonic() >= deadline:
            return
        time.sleep(0.5)


def metrics(ha, replica):
    """A replica's Prometheus metrics, a line each, as Prometheus reads."""
    response = requests.get(
        ha.replica_url(replica) + '/actuator/prometheus', timeout=10,
        headers={'Authorization': 'Bearer ' + ha.metrics_token})
    response.raise_for_status()
    return response.text.splitlines()


def requests_in_flight(ha, replica):
    """The HTTP requests a replica is serving, besides this question.

    Read from the service's gauge of active requests (`_gcount`, as its
    timers have histograms); a request's uri is not known until it ends.
    """
    active = sum(float(line.rpartition(' ')[2])
                 for line in metrics(ha, replica)
                 if line.startswith('http_server_requests_active_seconds_'
                                    'gcount{'))
    return active - 1


def valence_reads(ha):
    """The node reads the replicas made of Valence, together, so far.

    From each replica's counter of upstream calls: one per node read,
    whether a single power read or a batch asked for it.
    """
    return sum(float(line.rpartition(' ')[2])
               for replica in REPLICAS for line in metrics(ha, replica)
               if line.startswith('valence_upstream_requests_seconds_count{')
               and 'operation="get_node"' in line)


def kill_when_busy(ha, replica, calls=1):
    """SIGKILLs a replica as soon as it serves `calls` calls of Ironic's.

    :returns: the monotonic time of the kill, and the calls in flight.
    """
    def busy():
        count = requests_in_flight(ha, replica)
        return count if count >= calls else None
    in_flight = wait_until(
        '%d calls of Ironic in flight at %s' % (calls, replica), busy,
        IN_FLIGHT_TIMEOUT_S, interval=0.05)
    ha.end(replica, signal.SIGKILL)
    return time.monotonic(), in_flight


def failed_syncs_since(ha, marks):
    """The conductors' failed power sync lines logged after marks."""
    return [line for name, offset in marks.items()
            for line in ha.log_since(name, offset).splitlines()
            if any(marker in line for marker in FAILED_SYNC_MARKERS)]


def reset_types_since(ha, valence_id, received_before):
    """The Reset types a node received after it had received a count."""
    internal = ha.emulator.internal(valence_id)
    new = internal['actions_received'] - received_before
    return [a['body']['Reset']['Type'] for a in internal['actions'][-new:]
            if new and 'Reset' in a['body']]


@pytest.fixture(scope='module')
def enrolled(ha):
    """Every emulated node enrolled and manageable: {uuid: Valence id}."""
    valence_ids = ha.emulator.node_ids()
    assert len(valence_ids) == NODE_COUNT, valence_ids
    created = {}
    for index, valence_id in enumerate(valence_ids):
        node = ha.ironic_api('POST', '/v1/nodes', {
            'name': 'ha-%d' % index, 'driver': 'valence',
            'driver_info': {'valence_node_id': valence_id}}).json()
        created[node['uuid']] = valence_id
        ha.ironic_api('PUT', '/v1/nodes/%s/states/provision' % node['uuid'],
                      {'target': 'manage'})

    def all_manageable():
        current = nodes(ha)
        return all(current[u]['provision_state'] == 'manageable'
                   and current[u]['power_state'] for u in created)
    wait_until('every node manageable', all_manageable, SETTLE_TIMEOUT_S)
    return created


def test_both_conductors_run_the_driver_and_share_the_nodes(ha, enrolled):
    # The ring hashes random node uuids over conductors named after random
    # ports: it gives all 16 nodes to one of two conductors once in 32,768
    # runs, and this test (and the next) fail then.
    owners = collections.Counter(n['conductor']
                                 for n in nodes(ha).values())

    assert ha.driver_hosts() == ha.all_hosts()
    assert sorted(owners) == ha.all_hosts(), owners
    assert sum(owners.values()) == NODE_COUNT
    note('nodes per conductor: %s' % sorted(owners.values()))


@pytest.mark.parametrize('sig', [signal.SIGTERM, signal.SIGKILL],
                         ids=['SIGTERM', 'SIGKILL'])
def test_a_lost_conductors_nodes_are_taken_over_and_keep_syncing(
        ha, enrolled, sig):
    gone, survivor = CONDUCTORS
    # A conductor started again by the test before gets its share of the
    # nodes back at the next refresh of the API's hash ring.
    orphans = wait_until(
        'nodes on %s' % gone,
        lambda: [u for u, n in nodes(ha).items()
                 if n['conductor'] == ha.host(gone)], TAKEOVER_TIMEOUT_S)
    received = {u: ha.emulator.internal(enrolled[u])['actions_received']
                for u in enrolled}

    ha.end(gone, sig)
    lost = time.monotonic()
    try:
        wait_until('%s taking over the nodes of %s' % (survivor, gone),
                   lambda: all(nodes(ha)[u]['conductor'] == ha.host(survivor)
                               for u in orphans), TAKEOVER_TIMEOUT_S)
        takeover_s = time.monotonic() - lost
        followed_s = follows_out_of_band(ha, enrolled, orphans[0])
        maintenance = in_maintenance(ha)
    finally:
        ha.start_conductor(gone)

    assert maintenance == []
    # The sync only reads: the takeover sent no power action to any node.
    assert all(reset_types_since(ha, enrolled[u], received[u]) == []
               for u in enrolled)
    note('%s of a conductor: %d nodes taken over in %.1f s; an '
         'out-of-band change on one seen %.1f s later; 0 in maintenance'
         % (signal.Signals(sig).name, len(orphans), takeover_s, followed_s))


def test_a_takeover_reads_each_node_from_valence_once_per_cycle(
        ha, enrolled):
    gone, survivor = CONDUCTORS
    wait_until('nodes on %s' % gone,
               lambda: [u for u, n in nodes(ha).items()
                        if n['conductor'] == ha.host(gone)],
               TAKEOVER_TIMEOUT_S)
    synced = ha.sinks[survivor]

    def cycles():
        """The nodes each of the survivor's cycles read, in order."""
        return synced.gauges(SYNC_NODES_GAUGE)

    ha.end(gone, signal.SIGTERM)
    try:
        # The cycle under way may have begun before the conductor stopped.
        under_way = len(cycles())
        wait_until('a power sync of %s ending' % survivor,
                   lambda: len(cycles()) > under_way, TAKEOVER_TIMEOUT_S,
                   interval=0.05)
        reads = valence_reads(ha)
        hits = synced.counters()[READ_AHEAD_HITS]
        wait_until(
            '%d power syncs of %s over every node' % (CYCLES_AFTER_TAKEOVER,
                                                      survivor),
            lambda: cycles()[under_way + 1:].count(
                NODE_COUNT) >= CYCLES_AFTER_TAKEOVER,
            TAKEOVER_TIMEOUT_S + CYCLES_AFTER_TAKEOVER * FOLLOW_TIMEOUT_S)
        counted = cycles()[under_way + 1:]
        # Between two cycles no node is read; the reads counted may hold
        # some of the cycle under way now, which counted does not.
        reads = valence_reads(ha) - reads
        hits = synced.counters()[READ_AHEAD_HITS] - hits
        maintenance = in_maintenance(ha)
    finally:
        ha.start_conductor(gone)

    # A read ahead that the sync did not take would be a second read.
    assert reads <= sum(counted) + NODE_COUNT, (reads, counted)
    # Not every node read on its own: the read-ahead was at work.
    assert hits > 0
    assert maintenance == []
    note('takeover by %s: %d Valence reads while its %d cycles after it '
         'synced %d nodes (%d of them over every node; %d reads answered '
         'by a read ahead); 0 in maintenance' % (
             survivor, reads, len(counted), sum(counted),
             counted.count(NODE_COUNT), hits))


def test_a_replica_killed_during_a_sync_costs_no_node(ha, enrolled):
    victim = REPLICAS[0]
    ha.wait_in_use(victim)
    marks = ha.log_offsets(CONDUCTORS)

    # Valence slowed down, so that a sync's call lasts long enough to be
    # seen in flight.
    ha.emulator.set_faults(latency_ms=SLOW_VALENCE_MS)
    try:
        killed, in_flight = kill_when_busy(ha, victim)
    finally:
        ha.emulator.set_faults()
    try:
        # One change per conductor at least: every node of the run, in turn,
        # until both three syncs have passed and three changes were seen.
        seen = []
        for uuid in enrolled:
            seen.append(follows_out_of_band(ha, enrolled, uuid))
            if (len(seen) >= 3 and time.monotonic() - killed
                    >= 3 * POWER_SYNC_INTERVAL_S):
                break
        since_kill_s = time.monotonic() - killed
        maintenance = in_maintenance(ha)
    finally:
        ha.start_replica(victim)

    assert len(seen) >= 3
    assert since_kill_s >= 3 * POWER_SYNC_INTERVAL_S
    assert maintenance == []
    note('SIGKILL of a replica serving %d calls of a sync: %d out-of-band '
         'changes seen in %.1f s, each within %.1f s; %d failed sync lines; '
         '0 in maintenance' % (in_flight, len(seen), since_kill_s, max(seen),
                               len(failed_syncs_since(ha, marks))))


def test_power_changes_in_flight_when_a_replica_dies_end_as_ironic_says(
        ha, enrolled):
    victim = REPLICAS[0]
    # The changes must go to the victim, the first replica of every
    # conductor's list, and not to the next while it is tried last.
    ha.wait_in_use(victim)
    current = nodes(ha)
    targets = {u: OPPOSITE[current[u]['power_state']] for u in enrolled}
    received = {u: ha.emulator.internal(enrolled[u])['actions_received']
                for u in enrolled}
    survivor_log = ha.log_offsets(REPLICAS[1:])
    sent = time.monotonic()
    # All at once, so that they are in flight together.
    with concurrent.futures.ThreadPoolExecutor(len(targets)) as pool:
        for _ in pool.map(lambda u: ha.ironic_api(
                'PUT', '/v1/nodes/%s/states/power' % u,
                {'target': targets[u]}), targets):
            pass
    accepted_s = time.monotonic() - sent

    killed, in_flight = kill_when_busy(ha, victim, CHANGES_IN_FLIGHT)
    killed_after_s = killed - sent
    try:
        pending = [n['name'] for n in nodes(ha).values()
                   if n['target_power_state']]
        wait_until('every power change ended',
                   lambda: all(n['target_power_state'] is None
                               for n in nodes(ha).values()),
                   SETTLE_TIMEOUT_S)
        ended_s = time.monotonic() - killed
        ended = nodes(ha)
        # A change that failed leaves Ironic's record to the next sync.
        wait_until('Ironic reporting the power Valence has',
                   lambda: all(power_of(ha, u) == valence_power(ha, v)
                               for u, v in enrolled.items()),
                   FOLLOW_TIMEOUT_S)
    finally:
        ha.start_replica(victim)

    actions = {ended[u]['name']: reset_types_since(ha, enrolled[u],
                                                   received[u])
               for u in enrolled}
    done = [u for u in enrolled if ended[u]['last_error'] is None]
    # The survivor's PowerService lines: one per change it was given.
    replayed = [line for line in ha.log_since(*survivor_log.popitem())
                .splitlines() if 'PowerService' in line]
    # Else the test would not have tested the failover of a change.
    assert pending, 'every change ended before the replica was killed'
    assert in_maintenance(ha) == []
    # A change Ironic reports done was done; none was sent twice.
    assert {u: valence_power(ha, enrolled[u]) for u in done} == {
        u: targets[u] for u in done}
    assert {n: a for n, a in actions.items() if len(a) > 1} == {}
    note('%d power changes accepted by Ironic in %.1f s; SIGKILL of the '
         'replica serving %d calls %.1f s after the first was sent, %d '
         'changes not ended: %d moved to the other replica (%d of them '
         'found the node already there), %d reported done, %d failed (%s), '
         'all ended %.1f s after the kill; actions per change: %s; 0 in '
         'maintenance'
         % (len(targets), accepted_s, in_flight, killed_after_s,
            len(pending), len(replayed),
            sum('no action sent' in line for line in replayed),
            len(done), len(targets) - len(done),
            sorted({ended[u]['last_error'] for u in enrolled
                    if u not in done}), ended_s,
            sorted(len(a) for a in actions.values())))


def test_rolling_restart_of_the_replicas_fails_no_sync(ha, enrolled):
    marks = ha.log_offsets(CONDUCTORS)
    started = time.monotonic()
    for replica in REPLICAS:
        stopped_in_s = ha.end(replica, signal.SIGTERM)
        ha.start_replica(replica)
        note('rolling restart: %s stopped in %.1f s, ready again %.1f s '
             'into the restart' % (replica, stopped_in_s,
                                   time.monotonic() - started))
    # Every node synced at least once more after the second restart.
    watch(ha, 2 * POWER_SYNC_INTERVAL_S)

    failed = failed_syncs_since(ha, marks)
    errors = {n['name']: n['last_error'] for n in nodes(ha).values()
              if n['last_error']}
    assert failed == []
    assert errors == {}
    assert in_maintenance(ha) == []
    note('rolling restart of both replicas: %d failed syncs in %.1f s, '
         '0 node errors, 0 in maintenance'
         % (len(failed), time.monotonic() - started))


def status_with(ha, replica, token, method='GET', path='/actuator/info',
                body=None):
    """The HTTP status a replica answers a call made with a token."""
    return requests.request(
        method, ha.replica_url(replica) + path, json=body, timeout=10,
        headers={'Authorization': 'Bearer ' + token}).status_code


def wait_status(ha, token, status):
    """Waits until every replica answers a call with token by status."""
    for replica in REPLICAS:
        wait_until('%s answering %d to a token' % (replica, status),
                   lambda: status_with(ha, replica, token) == status,
                   TOKEN_SEEN_TIMEOUT_S)


def test_token_rotation_during_syncs_fails_no_sync(ha, enrolled):
    marks = ha.log_offsets(CONDUCTORS)
    old, new = ha.token, 'e2e-' + secrets.token_urlsafe(24)
    started = time.monotonic()

    # 1. Every replica accepts the new token besides the old, without a
    # restart: each reads its token digests file again.
    ha.write_token_digests({old: 'change', new: 'change',
                            ha.metrics_token: 'read'})
    wait_status(ha, new, 200)
    # 2. The conductors switch to it one by one, while the other syncs.
    ha.earlier_tokens.append(old)
    ha.token = new
    for conductor in CONDUCTORS:
        ha.end(conductor, signal.SIGTERM)
        ha.start_conductor(conductor)
    # 3. The old token goes.
    ha.write_token_digests({new: 'change', ha.metrics_token: 'read'})
    wait_status(ha, old, 401)
    rotated_s = time.monotonic() - started
    # Every node synced at least once more with the new token alone, and
    # changes made in Valence are still followed.
    watch(ha, 2 * POWER_SYNC_INTERVAL_S)
    followed_s = [follows_out_of_band(ha, enrolled, u)
                  for u in list(enrolled)[:2]]

    failed = failed_syncs_since(ha, marks)
    refused = [line for name, offset in marks.items()
               for line in ha.log_since(name, offset).splitlines()
               if 'UNAUTHORIZED' in line or 'FORBIDDEN' in line]
    errors = {n['name']: n['last_error'] for n in nodes(ha).values()
              if n['last_error']}
    node = next(iter(enrolled.values()))
    power_change = dict(method='PUT', path='/v1/nodes/%s/power' % node,
                        body={'target': 'power on'})
    assert failed == []
    assert refused == []
    assert errors == {}
    assert in_maintenance(ha) == []
    for replica in REPLICAS:
        assert status_with(ha, replica, old) == 401
        assert status_with(ha, replica, new) == 200
        # The metrics token scrapes, and powers nothing.
        assert status_with(ha, replica, ha.metrics_token,
                           path='/actuator/prometheus') == 200
        assert status_with(ha, replica, ha.metrics_token,
                           **power_change) == 403
    note('token rotation while syncs ran (new token on both replicas, both '
         'conductors restarted with it one by one, old token removed): '
         '%.1f s, %d failed syncs, %d refused calls, 0 node errors, 0 in '
         'maintenance; out-of-band changes seen %s s later; old token '
         'refused (401), metrics token refused a power change (403)'
         % (rotated_s, len(failed), len(refused),
            ', '.join('%.1f' % f for f in followed_s)))


@pytest.mark.parametrize('path', [
    'vendor_passthru?method=get_composed_node', 'management/boot_device'],
    ids=['get_composed_node', 'boot_device'])
def test_a_composed_node_valence_lacks_answers_400_over_json_rpc(ha, path):
    # The conductor's exception crosses JSON-RPC to the API only as a class
    # of ironic.common.exception; any other is a 500 "Unexpected error".
    # The node stays in enroll, which the power sync leaves alone.
    valence_id = 'gone-%s' % secrets.token_hex(4)
    uuid = ha.ironic_api('POST', '/v1/nodes', {
        'name': 'ha-gone-%s' % valence_id, 'driver': 'valence',
        'driver_info': {'valence_node_id': valence_id}}).json()['uuid']
    try:
        answer = requests.get(
            '%s/v1/nodes/%s/%s' % (ha.ironic_url, uuid, path),
            headers={'X-OpenStack-Ironic-API-Version': 'latest'},
            timeout=CLI_TIMEOUT_S)
    finally:
        ha.ironic_api('DELETE', '/v1/nodes/%s' % uuid)

    assert answer.status_code == 400, answer.text
    assert ('Valence composed node %s not found (driver_info '
            'valence_node_id of node %s)' % (valence_id, uuid)
            in answer.text), answer.text
    assert 'NODE_NOT_FOUND' in answer.text, answer.text

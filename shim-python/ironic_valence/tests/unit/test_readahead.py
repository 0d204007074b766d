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


"""Power states read ahead of the periodic sync, in batches.

The clock is the test's (base.FakeClock) and batches run when the test says
so, in its own thread, unless a test needs one to end while a read waits.
"""

import logging
import threading

import fixtures
from oslo_db import exception as db_exception
from oslo_utils import uuidutils

from ironic.common import exception
from ironic.common import hash_ring
from ironic.common import states
from ironic.conductor import task_manager
from ironic.tests.unit.objects import utils as obj_utils

from ironic_valence import management
from ironic_valence import protocol
from ironic_valence import readahead
from ironic_valence.tests.unit import base
from ironic_valence import utils

BATCH_URL = base.SERVICE_URL + '/v1/power-reads'
INTERVAL = 60
# The sync's next cycle: every node read in the last one is due.
NEXT_CYCLE = 0.9 * INTERVAL
# An interval that a cycle of the tests' five nodes, a second per node,
# outlasts.
SHORT_INTERVAL = 4
# An Ironic node of this conductor, for the registry's own tests.
OWNER = ('1be26c0b-03f2-4d2e-ae87-c02d7f33c781', 'valence', '')


def _read(node_id):
    return {'power_state': protocol.POWER_ON, 'health': 'OK'}


def _batch_answer(request, context):
    """The service's answer: every node asked for, read."""
    return {'nodes': {node_id: _read(node_id)
                      for node_id in request.json()['nodes']}}


class ReadAheadTestCase(base.ValenceTestCase):

    def setUp(self):
        super().setUp()
        self.config(sync_power_state_interval=INTERVAL, group='conductor')
        self.config(power_read_ahead=2, group='valence')
        # The sync's order: this node, then the others.
        self.nodes = [self.node] + [
            obj_utils.create_test_node(
                self.context, uuid=uuidutils.generate_uuid(),
                driver='valence',
                driver_info={'valence_node_id': 'composed-%d' % i})
            for i in range(1, 5)]
        self.node_ids = [n.driver_info['valence_node_id']
                         for n in self.nodes]
        self.gets = {node_id: self.http.get(self.power_url(index),
                                            json=_read(node_id))
                     for index, node_id in enumerate(self.node_ids)}
        self.posts = self.http.post(BATCH_URL, json=_batch_answer)
        self.counters = self.useFixture(fixtures.MockPatchObject(
            utils.METRICS, 'send_counter')).mock

    def power_url(self, index):
        return '%s/v1/nodes/%s/power' % (base.SERVICE_URL,
                                         self.node_ids[index])

    def read(self, index, shared=True):
        with task_manager.acquire(self.context, self.nodes[index].uuid,
                                  shared=shared) as task:
            return task.driver.power.get_power_state(task)

    def cycle(self, indexes=range(5)):
        """The sync's reads, each batch answered before the next read."""
        for index in indexes:
            self.read(index)
            self.run_batches()

    def fresh(self):
        """For a subtest: a registry that knows no node, no call made."""
        self.use_new_read_ahead()
        for route in self.gets.values():
            route.request_history.clear()

    def single_reads(self):
        """How many GET .../power each node had."""
        return [self.gets[node_id].call_count for node_id in self.node_ids]

    def run_batches(self):
        while self.batches:
            function, args = self.batches.pop(0)
            function(*args)

    def batches_sent(self):
        return [request.json()['nodes']
                for request in self.posts.request_history]

    def start_second_cycle(self):
        """Cycle one, then the first read of cycle two.

        That read starts the batch of nodes 1 and 2, which is not run yet.
        """
        self.cycle()
        self.clock.now += NEXT_CYCLE
        self.read(0)

    def read_ahead_of_second_cycle(self):
        """Cycle one, then the start of cycle two: nodes 1 and 2 read."""
        self.start_second_cycle()
        self.run_batches()

    def test_first_cycle_reads_each_node_alone(self):
        self.cycle()
        self.assertEqual([1] * 5, self.single_reads())
        self.assertEqual([], self.batches)

    def valence_reads(self):
        """How often each node was read, on its own and in batches."""
        sent = sum(self.batches_sent(), [])
        return [single + sent.count(node_id) for single, node_id
                in zip(self.single_reads(), self.node_ids)]

    def long_cycle(self, indexes=range(5)):
        """A cycle longer than the interval: a second per read."""
        self.config(sync_power_state_interval=SHORT_INTERVAL,
                    group='conductor')
        for index in indexes:
            self.read(index)
            self.run_batches()
            self.clock.now += 1

    def test_first_cycle_longer_than_the_interval_reads_each_node_once(self):
        # The nodes the cycle read first are due before it ends, but the
        # sync reaches them again only in the next cycle.
        self.long_cycle()
        self.assertEqual([1] * 5, self.valence_reads())
        self.assertEqual([], self.batches_sent())

    def test_cycles_longer_than_the_interval_read_each_node_once(self):
        for cycles in range(1, 4):
            self.long_cycle()
            self.assertEqual([cycles] * 5, self.valence_reads())
        # From the second cycle on, the nodes after the first are read
        # ahead.
        self.assertEqual([3, 1, 1, 1, 1], self.single_reads())

    def test_first_cycle_after_the_nodes_were_managed(self):
        # Enrolment through the API: `manage` reads each node in an
        # exclusive task, in an order of its own, before any sync.
        # Reads ahead in that order would be too old once the sync came
        # to them.
        self.config(power_read_ahead_max_age=1, group='valence')
        for index in reversed(range(5)):
            self.read(index, shared=False)
        self.clock.now += NEXT_CYCLE
        self.long_cycle()
        self.assertEqual([], self.batches_sent())
        self.assertEqual([2] * 5, self.valence_reads())

    def test_exclusive_read_keeps_the_node_in_the_sync_order(self):
        self.cycle()
        self.read(2, shared=False)
        self.clock.now += NEXT_CYCLE
        self.cycle()
        self.assertEqual([self.node_ids[1:3], self.node_ids[3:5]],
                         self.batches_sent())

    def test_first_cycle_with_nodes_taken_over(self):
        # Nodes 1 and 3 come from a conductor that left the hash ring: the
        # first read of one of them lists the sync's nodes, and the other
        # is read ahead among this conductor's own, in the sync's order.
        self.taken_over.update([self.nodes[1].uuid, self.nodes[3].uuid])
        self.long_cycle([0, 2, 4])
        self.taken_over.clear()
        self.clock.now += 0.9 * SHORT_INTERVAL
        self.long_cycle()
        self.assertEqual([[self.node_ids[2], self.node_ids[4]],
                          [self.node_ids[3]]], self.batches_sent())
        self.assertEqual([2, 1, 1, 0, 1], self.single_reads())
        self.listings.assert_called_once_with('valence')
        # The next cycle knows every node: nothing to list.
        self.clock.now += 0.9 * SHORT_INTERVAL
        self.long_cycle()
        self.assertEqual([3, 2, 3, 2, 3], self.valence_reads())
        self.assertEqual(1, self.listings.call_count)

    def test_new_nodes_read_ahead_in_the_sync_order(self):
        # Nodes 1 and 2 taken over, 3 and 4 this conductor's: the listing
        # places the new ones before the known ones the sync reads later.
        self.config(sync_power_state_interval=SHORT_INTERVAL,
                    group='conductor')
        self.config(power_read_ahead=3, group='valence')
        self.taken_over.update([self.nodes[1].uuid, self.nodes[2].uuid])
        self.cycle([0, 3, 4])
        self.taken_over.clear()
        # The next cycle begins before this conductor's nodes are due.
        self.clock.now += 1
        self.cycle([0, 1])
        self.assertEqual([[self.node_ids[2]]], self.batches_sent())
        self.clock.now += 3
        self.cycle([2, 3, 4])
        self.assertEqual([[self.node_ids[2]], self.node_ids[3:5]],
                         self.batches_sent())
        self.assertEqual([2, 1, 0, 1, 1], self.single_reads())

    def test_cycle_that_begins_with_a_node_taken_over(self):
        # Node 0 taken over: the sync reads it first, and nothing but the
        # listing tells that a cycle has begun.
        self.taken_over.add(self.nodes[0].uuid)
        self.cycle([1, 2, 3, 4])
        self.clock.now += NEXT_CYCLE
        self.cycle([1, 2, 3, 4])
        self.taken_over.clear()
        self.clock.now += NEXT_CYCLE
        sent = len(self.batches_sent())
        self.cycle()
        self.assertEqual([self.node_ids[1:3], self.node_ids[3:5]],
                         self.batches_sent()[sent:])
        self.assertEqual([1, 3, 3, 3, 3], self.valence_reads())

    def test_no_listing_in_the_first_cycle(self):
        # After enrolment or a restart every node is new: the first cycle
        # reads each on its own (see above), with no listing.
        self.cycle()
        self.assertEqual(0, self.listings.call_count)

    def test_failed_listing_breaks_no_read(self):
        log = self.capture_log(logging.WARNING)
        self.listings.side_effect = db_exception.DBConnectionError(
            'database gone')
        self.taken_over.add(self.nodes[1].uuid)
        self.cycle([0, 2, 3, 4])
        self.taken_over.clear()
        self.clock.now += NEXT_CYCLE
        self.cycle()
        self.assertEqual([2, 1, 2, 2, 2], self.valence_reads())
        self.assertIn('Could not list the nodes the power sync reads',
                      log.output)
        self.assertIn('database gone', log.output)

    def test_nodes_taken_over_by_another_conductor_are_not_read_ahead(self):
        self.cycle()
        self.taken_over.add(self.nodes[2].uuid)
        self.clock.now += NEXT_CYCLE
        self.cycle([0, 1, 3, 4])
        self.assertEqual([[self.node_ids[1], self.node_ids[3]],
                          [self.node_ids[4]]], self.batches_sent())
        self.assertEqual([2, 2, 1, 2, 2], self.valence_reads())
        # Given back: read on its own, then ahead again.
        self.taken_over.clear()
        for _ in range(2):
            self.clock.now += NEXT_CYCLE
            self.cycle()
        self.assertIn(self.node_ids[2], self.batches_sent()[-2])

    def test_conductor_restart_reads_each_node_once(self):
        self.long_cycle()
        self.long_cycle()
        # A conductor that starts again knows no node.
        self.use_new_read_ahead()
        self.long_cycle()
        self.assertEqual([3] * 5, self.valence_reads())

    def test_due_nodes_are_read_in_one_batch_in_the_sync_order(self):
        self.read_ahead_of_second_cycle()
        self.assertEqual([self.node_ids[1:3]], self.batches_sent())
        self.read(1)
        self.read(2)
        self.assertEqual([2, 1, 1, 1, 1], self.single_reads())

    def test_batch_is_sent_with_the_token_and_request_id(self):
        self.read_ahead_of_second_cycle()
        request = self.posts.last_request
        self.assertEqual('Bearer ' + base.TOKEN,
                         request.headers['Authorization'])
        self.assertIn(protocol.REQUEST_ID_HEADER, request.headers)

    def test_nodes_read_less_than_nine_tenths_of_an_interval_ago(self):
        self.cycle()
        self.clock.now += NEXT_CYCLE - 0.1
        self.read(0)
        self.assertEqual([], self.batches)

    def test_the_read_answered_from_a_batch_reports_its_state(self):
        self.gets[self.node_ids[1]]._answers[0] = {
            'json': {'power_state': protocol.POWER_OFF, 'health': 'OK'}}
        self.cycle()
        self.clock.now += NEXT_CYCLE
        self.posts = self.http.post(BATCH_URL, json={'nodes': {
            self.node_ids[1]: {'power_state': protocol.POWER_ON,
                               'health': 'OK'},
            self.node_ids[2]: {'power_state': protocol.POWER_OFF,
                               'health': 'OK'}}})
        self.read(0)
        self.run_batches()
        self.assertEqual(protocol.POWER_ON, self.read(1))
        self.assertEqual(protocol.POWER_OFF, self.read(2))

    def test_each_read_allows_one_read_ahead(self):
        self.read_ahead_of_second_cycle()
        # Nodes 1 and 2 are no longer read (deleted, say): the next cycles
        # never read them ahead again.
        for _ in range(2):
            self.clock.now += NEXT_CYCLE
            self.cycle([0, 3, 4])
            self.run_batches()
        sent = sum(self.batches_sent(), [])
        self.assertEqual(1, sent.count(self.node_ids[1]))
        self.assertEqual(1, sent.count(self.node_ids[2]))

    def test_a_read_ahead_is_used_once(self):
        self.read_ahead_of_second_cycle()
        self.read(1)
        self.read(1)
        self.assertEqual([2, 2, 1, 1, 1], self.single_reads())

    def test_exclusive_read_asks_the_service_and_drops_the_entry(self):
        self.read_ahead_of_second_cycle()
        self.read(1, shared=False)
        self.read(1)
        self.assertEqual([2, 3, 1, 1, 1], self.single_reads())

    def test_exclusive_read_starts_no_batch(self):
        self.cycle()
        self.clock.now += NEXT_CYCLE
        self.read(0, shared=False)
        self.assertEqual([], self.batches)

    def test_read_older_than_max_age_is_not_used(self):
        self.read_ahead_of_second_cycle()
        self.clock.now += 5.5
        self.read(1)
        self.assertEqual([2, 2, 1, 1, 1], self.single_reads())

    def test_max_age_counts_from_when_the_batch_was_sent(self):
        self.config(power_read_ahead_max_age=10, group='valence')
        self.read_ahead_of_second_cycle()
        self.clock.now += 10
        self.read(1)
        self.assertEqual([2, 1, 1, 1, 1], self.single_reads())

    def _set_power(self, index, target=protocol.POWER_OFF):
        self.http.put(self.power_url(index),
                      json={'power_state': target})
        with task_manager.acquire(self.context,
                                  self.nodes[index].uuid) as task:
            task.driver.power.set_power_state(task, target)

    def test_power_change_drops_the_read_ahead(self):
        self.read_ahead_of_second_cycle()
        self._set_power(1)
        self.read(1)
        self.read(2)
        self.assertEqual([2, 2, 1, 1, 1], self.single_reads())

    def test_batch_answered_after_a_power_change_is_not_stored(self):
        self.start_second_cycle()
        # Sent before the change, answered after it.
        self._set_power(1)
        self.run_batches()
        self.read(1)
        self.read(2)
        self.assertEqual([2, 2, 1, 1, 1], self.single_reads())

    def test_read_during_a_power_change_asks_the_service(self):
        self.read_ahead_of_second_cycle()
        during = []

        def change(request, context):
            # Ironic's sync skips a locked node, but not every shared read.
            during.append(self.read(1))
            return {'power_state': protocol.POWER_OFF}

        self.http.put(self.power_url(1), json=change)
        with task_manager.acquire(self.context, self.nodes[1].uuid) as task:
            task.driver.power.set_power_state(task, protocol.POWER_OFF)
        self.assertEqual([protocol.POWER_ON], during)
        self.assertEqual([2, 2, 1, 1, 1], self.single_reads())

    def _batch_during_power_change(self, answer):
        """Node 1's power change, while the sync reads ahead of node 1."""
        self.cycle()
        self.clock.now += NEXT_CYCLE

        def change(request, context):
            # The sync goes on meanwhile: its read of node 0 starts a
            # batch with node 1, which is answered before the change.
            self.read(0)
            self.run_batches()
            context.status_code = answer['status_code']
            return answer['json']

        self.http.put(self.power_url(1), json=change)
        with task_manager.acquire(self.context, self.nodes[1].uuid) as task:
            try:
                task.driver.power.set_power_state(task, protocol.POWER_OFF)
            except exception.PowerStateFailure:
                pass
        self.assertEqual([self.node_ids[1:3]], self.batches_sent())
        self.read(1)
        self.read(2)
        self.assertEqual([2, 2, 1, 1, 1], self.single_reads())

    def test_batch_answered_while_a_power_change_is_made_is_not_stored(self):
        self._batch_during_power_change(
            {'status_code': 200,
             'json': {'power_state': protocol.POWER_OFF}})

    def test_batch_answered_while_a_power_change_fails_is_not_stored(self):
        self._batch_during_power_change(
            base.problem(protocol.VALENCE_TIMEOUT, 'slow'))

    def _batch_with_error_of_node_1(self, code, detail):
        """Cycle one, then a batch of cycle two that node 1 failed in.

        The node's own read then fails with the same code.
        """
        self.cycle()
        self.gets[self.node_ids[1]]._answers[0] = base.problem(code, detail)
        self.posts = self.http.post(BATCH_URL, json={'nodes': {
            self.node_ids[1]: {'error': code},
            self.node_ids[2]: _read(self.node_ids[2])}})
        self.clock.now += NEXT_CYCLE
        self.read(0)
        self.run_batches()

    def test_node_error_in_the_batch_is_read_on_its_own(self):
        self.config(read_attempts=1, group='valence')
        self._batch_with_error_of_node_1(protocol.VALENCE_UNREACHABLE,
                                         'Valence is down')
        # The single read gives the service's detailed error, as always.
        error = self.assertRaises(exception.PowerStateFailure, self.read, 1)
        self.assertIn('Valence is down', str(error))
        self.read(2)
        self.assertEqual([2, 2, 1, 1, 1], self.single_reads())

    def test_node_gone_in_the_batch_goes_into_maintenance_as_alone(self):
        self._batch_with_error_of_node_1(protocol.NODE_NOT_FOUND, 'gone')
        self.assertRaises(exception.InvalidParameterValue, self.read, 1)
        self.nodes[1].refresh()
        self.assertTrue(self.nodes[1].maintenance)
        self.assertIn('Valence composed node %s is gone' % self.node_ids[1],
                      self.nodes[1].maintenance_reason)

    def test_failed_composition_read_ahead_goes_into_maintenance(self):
        self.posts = self.http.post(BATCH_URL, json={'nodes': {
            self.node_ids[1]: dict(_read(self.node_ids[1]),
                                   composition_state='Failed'),
            self.node_ids[2]: _read(self.node_ids[2])}})
        self.read_ahead_of_second_cycle()
        self.assertRaises(exception.PowerStateFailure, self.read, 1)
        self.assertEqual(1, self.single_reads()[1])
        self.nodes[1].refresh()
        self.assertIn('composition state Failed',
                      self.nodes[1].maintenance_reason)

    def _answer_batches(self, **answer):
        self.posts = self.http.post(BATCH_URL, **answer)
        self.start_second_cycle()
        self.run_batches()

    def test_malformed_batch_answers_are_never_used(self):
        ids = self.node_ids
        malformed = {
            'not an object': {'json': ['power on']},
            'no nodes': {'json': {}},
            'nodes not an object': {'json': {'nodes': [ids[1], ids[2]]}},
            'a node missing': {'json': {'nodes': {ids[1]: _read(ids[1])}}},
            'a node not asked for': {'json': {'nodes': {
                ids[1]: _read(ids[1]), ids[2]: _read(ids[2]),
                ids[3]: _read(ids[3])}}},
            'not JSON': {'text': 'power on'},
        }
        for case, answer in malformed.items():
            with self.subTest(case=case):
                self.fresh()
                self._answer_batches(**answer)
                self.read(1)
                self.read(2)
                self.assertEqual([2, 2, 2, 1, 1], self.single_reads())

    def test_malformed_node_read_is_read_on_its_own(self):
        ids = self.node_ids
        for case, read in [('string', 'power on'), ('null', None),
                           ('unknown state', {'power_state': 'on'}),
                           ('no state', {'health': 'OK'}),
                           ('state and error', {
                               'power_state': protocol.POWER_ON,
                               'error': protocol.INTERNAL_ERROR})]:
            with self.subTest(case=case):
                self.fresh()
                self._answer_batches(json={'nodes': {
                    ids[1]: read, ids[2]: _read(ids[2])}})
                self.read(1)
                self.read(2)
                self.assertEqual([2, 2, 1, 1, 1], self.single_reads())

    def test_failed_batch_falls_back_and_pauses_read_ahead(self):
        self.config(read_attempts=1, group='valence')
        log = self.capture_log(logging.WARNING)
        self._answer_batches(**base.problem(protocol.INTERNAL_ERROR,
                                            'broken'))
        self.read(1)
        self.read(2)
        self.assertEqual([2, 2, 2, 1, 1], self.single_reads())
        self.assertIn('Reading power states ahead of the power sync failed',
                      log.output)
        self.assertIn('INTERNAL_ERROR', log.output)
        # Paused for a minute at least: the next cycle reads alone ...
        self.clock.now += NEXT_CYCLE
        self.cycle()
        self.assertEqual(1, self.posts.call_count)
        self.assertEqual([3, 3, 3, 2, 2], self.single_reads())
        # ... and the one after it tries again.
        self.clock.now += NEXT_CYCLE
        self.read(0)
        self.run_batches()
        self.assertEqual(2, self.posts.call_count)

    def test_batch_that_read_no_node_pauses_read_ahead(self):
        log = self.capture_log(logging.WARNING)
        ids = self.node_ids
        self._answer_batches(json={'nodes': {
            ids[1]: {'error': protocol.VALENCE_UNREACHABLE},
            ids[2]: {'error': protocol.VALENCE_TIMEOUT}}})
        self.read(1)
        self.read(2)
        self.assertEqual([2, 2, 2, 1, 1], self.single_reads())
        self.assertIn('none of the 2 nodes could be read: '
                      'VALENCE_TIMEOUT, VALENCE_UNREACHABLE', log.output)
        self.clock.now += NEXT_CYCLE
        self.cycle()
        self.assertEqual(1, self.posts.call_count)

    def test_older_service_without_the_endpoint(self):
        self.config(read_attempts=1, group='valence')
        # This project's service before the endpoint answered the 400 (its
        # e2e run's log); other servers say 404 or 405.
        older = base.problem(protocol.INVALID_REQUEST,
                             'No static resource v1/power-reads.')
        for status, answer in [(400, older),
                               (404, {'status_code': 404, 'text': 'No'}),
                               (405, {'status_code': 405, 'text': 'No'})]:
            with self.subTest(status=status):
                self.fresh()
                log = self.capture_log(logging.WARNING)
                self._answer_batches(**answer)
                self.read(1)
                self.read(2)
                self.assertEqual([2, 2, 2, 1, 1], self.single_reads())
                self.assertEqual(1, self.posts.call_count)
                self.assertIn('HTTP %d' % status, log.output)

    def test_batch_is_retried_like_a_read(self):
        self._answer_batches(response_list=[
            base.problem(protocol.INTERNAL_ERROR, 'x') | {'status_code': 503},
            {'json': _batch_answer}])
        self.read(1)
        self.assertEqual(2, self.posts.call_count)
        self.assertEqual([2, 1, 1, 1, 1], self.single_reads())

    def test_token_is_never_logged(self):
        self.config(read_attempts=1, group='valence')
        log = self.capture_log(logging.DEBUG)

        def echo(request, context):
            context.status_code = 401
            return {'code': protocol.UNAUTHORIZED,
                    'detail': 'rejected %s' % request.headers['Authorization']}

        self._answer_batches(json=echo)
        self.assertIn('rejected Bearer ***', log.output)
        self.assertNotIn(base.TOKEN, log.output)

    def test_no_batch_while_reads_ahead_wait_half_their_life(self):
        # The sync reads node 1 only 3 s after its batch (max age 5 s):
        # nodes 3 and 4 are read ahead once node 2's read is taken.
        self.read_ahead_of_second_cycle()
        self.clock.now += 3
        self.read(1)
        self.run_batches()
        self.assertEqual([self.node_ids[1:3]], self.batches_sent())
        self.read(2)
        self.run_batches()
        self.assertEqual([self.node_ids[1:3], self.node_ids[3:5]],
                         self.batches_sent())
        self.read(3)
        self.read(4)
        self.assertEqual([2] * 5, self.valence_reads())

    def test_at_most_two_batches_in_flight(self):
        self.config(power_read_ahead=1, group='valence')
        self.start_second_cycle()
        # A read in an exclusive task takes its node out of its batch, so
        # fewer than one batch is pending, but two are still in flight.
        self.read(1, shared=False)
        self.read(0)
        self.read(2, shared=False)
        self.read(0)
        self.assertEqual(2, len(self.batches))
        self.run_batches()
        self.read(0)
        self.assertEqual(1, len(self.batches))

    def test_failing_batches_are_logged_once_per_pause(self):
        self.config(power_read_ahead=1, read_attempts=1, group='valence')
        log = self.capture_log(logging.WARNING)
        self.posts = self.http.post(BATCH_URL, status_code=404,
                                    text='Not Found')
        self.cycle()
        self.clock.now += NEXT_CYCLE
        # Two batches in flight, as above, both failing.
        self.read(0)
        self.read(1, shared=False)
        self.read(0)
        self.run_batches()
        self.assertEqual(2, self.posts.call_count)
        self.assertEqual(1, log.output.count('ahead of the power sync'))

    def test_batch_without_a_thread_breaks_no_read(self):
        log = self.capture_log(logging.WARNING)
        self.cycle()
        self.clock.now += NEXT_CYCLE

        def no_thread(function, *args):
            raise RuntimeError("can't start new thread")

        self.read_ahead._start = no_thread
        self.assertEqual(protocol.POWER_ON, self.read(0))
        # Nodes 1 and 2 do not wait for the batch that never ran.
        self.read(1)
        self.read(2)
        self.assertEqual([2, 2, 2, 1, 1], self.single_reads())
        self.assertFalse(self.posts.called)
        self.assertIn("can't start new thread", log.output)

    def test_read_waits_for_its_batch_in_flight(self):
        self.start_second_cycle()
        (function, args), = self.batches
        # The batch's answer comes while node 1's read waits for it.
        timer = threading.Timer(0.05, function, args)
        timer.start()
        self.addCleanup(timer.join, 5)
        self.read(1)
        self.assertEqual([2, 1, 1, 1, 1], self.single_reads())

    def test_read_waits_no_longer_than_its_batch_may_take(self):
        self.start_second_cycle()
        # The batch's call would have given up by now.
        self.clock.now += protocol.READ_BUDGET_SECONDS + 10
        self.read(1)
        self.run_batches()
        self.config(power_read_ahead_max_age=60, group='valence')
        self.read(1)
        self.read(2)
        self.assertEqual([2, 3, 1, 1, 1], self.single_reads())

    def test_off(self):
        for size, interval in [(0, INTERVAL), (2, 0), (2, -1)]:
            with self.subTest(size=size, interval=interval):
                self.fresh()
                self.config(power_read_ahead=size, group='valence')
                self.config(sync_power_state_interval=interval,
                            group='conductor')
                self.cycle()
                self.clock.now += NEXT_CYCLE
                self.cycle()
                self.assertEqual([], self.batches)
                self.assertEqual([2] * 5, self.single_reads())
                # Nothing to see for an operator who turned it off.
                self.counters.assert_not_called()

    def test_hits_and_misses_are_counted(self):
        self.read_ahead_of_second_cycle()
        self.read(1)
        self.clock.now += 6
        self.read(2)
        self.assertEqual(
            ['ironic_valence.ReadAhead.miss'] * 6 + [
                'ironic_valence.ReadAhead.batch',
                'ironic_valence.ReadAhead.hit',
                'ironic_valence.ReadAhead.miss'],
            [c.args[0] for c in self.counters.call_args_list])

    def test_health_of_the_sync_comes_from_the_read_ahead(self):
        if not management.health_states:
            self.skipTest('Ironic without health monitoring')
        self.read_ahead_of_second_cycle()
        with task_manager.acquire(self.context, self.nodes[1].uuid,
                                  shared=True) as task:
            task.driver.power.get_power_state(task)
            health = task.driver.management.get_node_health(task)
        self.assertEqual(management.health_states.HealthState.OK, health)
        self.assertEqual(1, self.posts.call_count)
        self.assertEqual([2, 1, 1, 1, 1], self.single_reads())


class ReadAheadUnitTestCase(base.ValenceTestCase):
    """What only the registry itself shows."""

    def test_unused_reads_expire(self):
        self.config(sync_power_state_interval=INTERVAL, group='conductor')
        self.config(power_read_ahead=1, group='valence')
        read_ahead = self.read_ahead
        for node_id in 'abc':
            read_ahead.read(self.context, node_id, True, OWNER)
        self.clock.now += NEXT_CYCLE
        self.posts = self.http.post(BATCH_URL, json=_batch_answer)
        read_ahead.read(self.context, 'c', True, OWNER)
        (function, args), = self.batches
        function(*args)
        # 'a' is never read: once its read is past the max age, it no
        # longer holds back the next batch.
        read_ahead.read(self.context, 'c', True, OWNER)
        self.assertEqual(1, len(self.batches))
        self.clock.now += 6
        read_ahead.read(self.context, 'c', True, OWNER)
        self.assertEqual(2, len(self.batches))
        self.assertIsNone(read_ahead.read(self.context, 'a', True, OWNER))

    def _sync(self, order, queued=None, step=0.5):
        """One cycle of the sync, step seconds per node.

        :param order: the nodes read, in that order.
        :param queued: the nodes the sync listed when it began; the others
            are read in exclusive tasks (verified by `manage`) meanwhile.
            All by default.
        :returns: the nodes the sync read on their own.
        """
        alone = []
        for node_id in order:
            shared = node_id in (queued or order)
            if (self.read_ahead.read(self.context, node_id, shared,
                                     (node_id, 'valence', '')) is None
                    and shared):
                alone.append(node_id)
            while self.batches:
                function, args = self.batches.pop(0)
                function(*args)
            self.clock.now += step
        return alone

    def test_nodes_the_sync_passed_by_hold_back_no_batch(self):
        # Enrolment through the API, the sync reading 4 nodes ahead, half a
        # second per node (max age 5 s). Nodes 12 to 15 are verified (in
        # exclusive tasks) while the first cycle runs, which skips them:
        # reserved. Nodes 16 and 17 are created after the second cycle
        # began, so are not in its list, and verified while it runs; its
        # listing at its first new node, node 12, reads them ahead.
        self.config(sync_power_state_interval=1, group='conductor')
        self.config(power_read_ahead=4, group='valence')
        self.posts = self.http.post(BATCH_URL, json=_batch_answer)
        ids = ['n%02d' % i for i in range(18)]
        self.listings.side_effect = lambda driver: [
            (node_id, (node_id, 'valence', '')) for node_id in ids]
        alone = [self._sync(ids[:16], queued=ids[:12]),
                 self._sync(ids[:2] + ['n16'] + ids[2:4] + ['n17']
                            + ids[4:16], queued=ids[:16])]
        self.assertEqual([ids[:12], ['n00', 'n12']], alone)
        # The first cycle after enrolment reads them last, their reads
        # ahead expired, and no batch waits for them meanwhile; its workers
        # read some neighbours out of order.
        order = list(ids)
        for i in range(1, 17, 3):
            order[i], order[i + 1] = order[i + 1], order[i]
        alone.append(self._sync(order))
        self.assertEqual(['n00', 'n17', 'n16'], alone[-1])
        # Each node read by Valence once per sync read: nodes 16 and 17
        # twice for one.
        sent = sum((request.json()['nodes']
                    for request in self.posts.request_history), [])
        self.assertEqual([3] * 12 + [2] * 6, [
            sent.count(node_id) + sum(alone, []).count(node_id)
            for node_id in ids])

    def test_read_ahead_of_a_node_read_meanwhile_holds_back_no_batch(self):
        # Two sync workers: one reads node 1 and misses; while it sends
        # that miss's counter (a UDP send lets other threads run), the
        # other reads node 0, the first of the cycle, whose batch takes
        # node 1 too.
        self.config(sync_power_state_interval=1, group='conductor')
        self.config(power_read_ahead=3, group='valence')
        self.posts = self.http.post(BATCH_URL, json=_batch_answer)
        ids = ['n%d' % i for i in range(12)]
        self._sync(ids)
        count = readahead._count
        meanwhile = [lambda: self.read_ahead.read(
            self.context, 'n0', True, ('n0', 'valence', ''))]

        def other_worker(name):
            count(name)
            if meanwhile:
                meanwhile.pop()()

        self.useFixture(fixtures.MockPatchObject(
            readahead, '_count', side_effect=other_worker))
        # Node 1's read ahead is never taken; the next batches do not wait
        # for it.
        self.assertEqual(['n1'], self._sync(ids[1:]))
        self.assertEqual([ids[1:4], ids[4:7], ids[7:10], ids[10:]],
                         [request.json()['nodes']
                          for request in self.posts.request_history])

    def test_new_node_at_the_end_of_a_cycle_begins_no_cycle(self):
        # Nodes 18 and 19 are verified while the first cycle runs. In the
        # second, the sync's read of node 18 lists the nodes, and another
        # worker reads node 19 meanwhile: the only node after node 18 in
        # the list, read in the cycle under way, as the nodes after the
        # first of a cycle are.
        self.config(sync_power_state_interval=1, group='conductor')
        self.config(power_read_ahead=4, group='valence')
        self.posts = self.http.post(BATCH_URL, json=_batch_answer)
        ids = ['n%02d' % i for i in range(20)]

        def listing(driver):
            self.read_ahead.read(self.context, 'n19', True,
                                 ('n19', 'valence', ''))
            return [(node_id, (node_id, 'valence', '')) for node_id in ids]

        self.listings.side_effect = listing
        alone = [self._sync(ids, queued=ids[:18], step=0.1),
                 self._sync(ids[:19], step=0.1), self._sync(ids, step=0.1)]
        # The third cycle begins with node 0, not the second with node 18:
        # the nodes the second read last are not first in the order, where
        # no batch would take them before they are due.
        self.assertEqual([ids[:18], ['n00', 'n18'], ['n00']], alone)
        batches = [ids[1:5], ids[5:9], ids[9:13], ids[13:17]]
        self.assertEqual(batches + [['n17']] + batches + [ids[17:]],
                         [request.json()['nodes']
                          for request in self.posts.request_history])

    def test_sync_order_is_the_conductors(self):
        def node(**fields):
            return obj_utils.create_test_node(
                self.context, uuid=uuidutils.generate_uuid(),
                **dict({'driver': 'valence',
                        'driver_info': {'valence_node_id': 'c-%d' % len(
                            created)}}, **fields))

        created = [self.node]
        for fields in ({}, {'maintenance': True},
                       {'reservation': 'conductor-b'},
                       {'provision_state': states.ENROLL},
                       {'provision_state': states.DEPLOYWAIT},
                       {'target_power_state': states.POWER_OFF},
                       {'driver': 'fake-hardware'},
                       {'driver_info': {'valence_node_id': '../x'}}, {}):
            created.append(node(**fields))
        owners = [(n.driver_info['valence_node_id'],
                   (n.uuid, 'valence', n.conductor_group))
                  for n in (created[0], created[1], created[-1])]
        self.assertEqual(owners, readahead._sync_order('valence'))

    def test_mapped_here_asks_ironics_hash_ring(self):
        self.config(host='conductor-a')
        get_ring = self.useFixture(fixtures.MockPatchObject(
            hash_ring.HashRingManager, 'get_ring')).mock
        get_ring.return_value.get_nodes.return_value = ['conductor-a']
        self.assertTrue(readahead._mapped_here(OWNER))
        get_ring.assert_called_once_with('valence', '')
        get_ring.return_value.get_nodes.assert_called_once_with(
            OWNER[0].encode())
        get_ring.return_value.get_nodes.return_value = ['conductor-b']
        self.assertFalse(readahead._mapped_here(OWNER))
        get_ring.side_effect = exception.DriverNotFound(driver_name='valence')
        self.assertFalse(readahead._mapped_here(OWNER))
        get_ring.side_effect = exception.TemporaryFailure()
        self.assertFalse(readahead._mapped_here(OWNER))

    def test_mapped_here_knows_the_conductor_by_its_json_rpc_port(self):
        # Two conductors on one host, as Ironic names them in its ring.
        self.config(host='192.0.2.1', rpc_transport='json-rpc')
        self.config(port=8091, group='json_rpc')
        get_ring = self.useFixture(fixtures.MockPatchObject(
            hash_ring.HashRingManager, 'get_ring')).mock
        get_ring.return_value.get_nodes.return_value = ['192.0.2.1:8091']
        self.assertTrue(readahead._mapped_here(OWNER))
        get_ring.return_value.get_nodes.return_value = ['192.0.2.1:8092']
        self.assertFalse(readahead._mapped_here(OWNER))

    def test_the_conductor_name_is_ironics(self):
        self.config(host='2001:db8::1', rpc_transport='json-rpc')
        self.config(port=8091, group='json_rpc')
        self.assertEqual('[2001:db8::1]:8091', readahead._conductor_name())
        # JSON-RPC's default port, another transport, a release pinned
        # before the naming: the host alone.
        self.config(port=8089, group='json_rpc')
        self.assertEqual('2001:db8::1', readahead._conductor_name())
        self.config(port=8091, group='json_rpc')
        self.config(pin_release_version='13.0')
        self.assertEqual('2001:db8::1', readahead._conductor_name())
        self.config(pin_release_version=None, rpc_transport='oslo')
        self.assertEqual('2001:db8::1', readahead._conductor_name())

    def test_forget_of_a_node_with_bad_driver_info(self):
        self.node.driver_info = {}
        self.node.save()
        with task_manager.acquire(self.context, self.node.uuid) as task:
            self.assertRaises(exception.MissingParameterValue,
                              readahead.forget, task)

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


import socket
import time
import types

import pytest

from valence_bench import fleet
from valence_bench.stack import KINDS
from valence_bench.waiting import Deadline


def statsd(port, *lines):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto('\n'.join(lines).encode(), ('127.0.0.1', port))


def test_a_cycle_carries_the_nodes_of_the_gauge_sent_before_it():
    timer = fleet.SyncTimer()
    try:
        prefix = 'ironic.conductor.host.'
        statsd(timer.port, prefix + fleet.SYNC_NODES + ':1000|g',
               prefix + fleet.SYNC_TIMER + ':2500|ms')
        first = timer.next_cycle(Deadline(10))
        # A cycle whose gauge was not seen.
        statsd(timer.port, prefix + fleet.SYNC_TIMER + ':1000|ms')
        second = timer.next_cycle(Deadline(10))
    finally:
        timer.close()

    assert (first.seconds, first.nodes) == (2.5, 1000)
    assert (second.seconds, second.nodes) == (1.0, None)


class FakeIronic:
    def __init__(self):
        self.events = 0

    def conductor_event(self, deadline):
        self.events += 1


def event(restart=None, stop=None, nodes=100):
    return fleet.ConductorEvent(types.SimpleNamespace(
        restart_conductor_at_cycle=restart, stop_conductor_at_cycle=stop,
        nodes=nodes))


def test_a_restart_labels_the_one_cycle_after_it():
    restart, ironic = event(restart=2), FakeIronic()

    happened = [restart.start_if_due(ironic, 1, None)]
    before = restart.label(100, 0.0)
    happened.append(restart.start_if_due(ironic, 2, None))
    now = time.monotonic()
    labels = [restart.label(100, now), restart.label(100, now)]
    happened.append(restart.start_if_due(ironic, 2, None))

    assert ironic.events == 1
    assert happened == [False, True, False]
    assert before is None
    assert labels == [fleet.RESTART, None]
    assert not restart.pending()


def test_a_takeover_is_the_first_cycle_over_every_node():
    stop, ironic = event(stop=1), FakeIronic()

    stop.start_if_due(ironic, 1, None)
    # One over every node that began while the other conductor stopped.
    early = stop.over_at - 1
    now = time.monotonic()
    labels = [stop.label(n, began) for n, began in (
        (48, now), (100, early), (48, now), (100, now), (100, now))]

    assert ironic.events == 1
    assert labels == [fleet.BEFORE_TAKEOVER, fleet.BEFORE_TAKEOVER,
                      fleet.BEFORE_TAKEOVER, fleet.TAKEOVER, None]


def test_no_event_labels_nothing():
    none = event()

    assert not none.pending()
    assert none.label(100, 0.0) is None


def result_with(*cycles):
    result = fleet.Result(KINDS['valence'], 100)
    result.all_cycles = [fleet.Cycle(s, {'ironic': s / 10}, warmup, event=e)
                         for s, warmup, e in cycles]
    return result


def test_the_cycle_of_an_event_is_not_a_measured_one():
    result = result_with((9.0, True, None), (3.0, False, None),
                         (6.0, False, fleet.RESTART), (4.0, False, None))

    assert [c.seconds for c in result.cycles] == [3.0, 4.0]
    assert result.p50() == 3.5
    assert result.first().seconds == 9.0
    assert result.event_cycle().seconds == 6.0


def test_the_first_cycles_are_compared_across_kinds(capsys):
    valence = result_with((9.0, True, None), (2.0, False, fleet.RESTART))
    fake = result_with((6.0, True, None), (1.0, False, fleet.RESTART))
    fake.kind = KINDS['fake']
    args = types.SimpleNamespace(enroll='api', restart_conductor_at_cycle=1,
                                 stop_conductor_at_cycle=None)

    fleet.report_first_cycles([fake, valence], args)

    out = capsys.readouterr().out
    assert 'the first cycle counted (after enrolment' in out
    assert 'valence/fake: x1.50' in out
    assert 'after the conductor\'s restart' in out
    assert 'valence/fake: x2.00' in out


@pytest.mark.parametrize('argv', [
    ['--restart-conductor-at-cycle', '1', '--topology', 'ha'],
    ['--restart-conductor-at-cycle', '4', '--cycles', '3'],
    ['--stop-conductor-at-cycle', '1'],
    ['--stop-conductor-at-cycle', '1', '--topology', 'ha',
     '--kill-replica-at-cycle', '1'],
])
def test_a_conductor_event_the_run_cannot_make_is_refused(argv, capsys):
    with pytest.raises(SystemExit) as exit_:
        fleet.main(['10', *argv], 'tools/bench fleet')

    assert exit_.value.code == 2
    assert 'conductor-at-cycle' in capsys.readouterr().err


def test_a_kind_that_fails_leaves_the_others_measured(monkeypatch, tmp_path):
    def measure_kind(kind, args, *rest):
        if kind.name == 'valence':
            raise RuntimeError('node 1 could not be managed')
        return fleet.Result(kind, args.nodes)

    def record(measured, args):
        written.extend(measured)

    written = []
    monkeypatch.setattr(fleet, 'measure_kind', measure_kind)
    monkeypatch.setattr(fleet, 'Backends', lambda *a: types.SimpleNamespace(
        stop_unneeded=lambda kind: None))
    monkeypatch.setattr(fleet.children, 'Children',
                        lambda d: types.SimpleNamespace(stop_all=lambda: 0))
    monkeypatch.setattr(fleet, 'SyncTimer', lambda: types.SimpleNamespace(
        close=lambda: None))
    monkeypatch.setattr(fleet, 'report', lambda measured, args: None)
    monkeypatch.setattr(fleet, 'write_results', record)
    args = types.SimpleNamespace(
        max_seconds=60, work_dir=tmp_path, profile=None, topology='single',
        kinds=['fake', 'valence', 'redfish'], nodes=10, command='fleet 10')

    assert fleet.run(args) == 0

    assert [(r.kind.name, r.note) for r in written] == [
        ('fake', ''),
        ('valence', 'not measured: node 1 could not be managed'),
        ('redfish', '')]

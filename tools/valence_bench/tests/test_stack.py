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

import types
import urllib.error

import pytest

from valence_bench import stack
from valence_bench.waiting import Deadline
from valence_bench.waiting import OutOfTime

# The service's Prometheus counters as it writes them, trimmed.
PROMETHEUS = '''\
# TYPE http_server_requests_seconds summary
http_server_requests_seconds_count{error="none",exception="none",\
method="GET",outcome="SUCCESS",status="200",\
uri="/v1/nodes/{nodeId}/power"} 7
http_server_requests_seconds_count{error="none",exception="none",\
method="PUT",outcome="SUCCESS",status="200",\
uri="/v1/nodes/{nodeId}/power"} 2
http_server_requests_seconds_count{error="none",exception="none",\
method="POST",outcome="SUCCESS",status="200",uri="/v1/power-reads"} 3
http_server_requests_seconds_count{error="none",exception="none",\
method="GET",outcome="SUCCESS",status="200",uri="/v1/nodes/{nodeId}"} 1
http_server_requests_seconds_count{error="none",exception="none",\
method="GET",outcome="SUCCESS",status="200",uri="/actuator/health"} 40
valence_upstream_requests_seconds_count{method="GET",operation="get_node",\
outcome="SUCCESS",status="200",target_host="127.0.0.1",target_port="8090",\
target_scheme="http",uri="/v1/nodes/{id}"} 155
valence_upstream_requests_seconds_count{method="GET",operation="get_node",\
outcome="UNKNOWN",status="IO_ERROR",target_host="127.0.0.1",\
target_port="8090",target_scheme="http",uri="/v1/nodes/{id}"} 3
valence_upstream_requests_seconds_count{method="POST",operation="reset",\
outcome="SUCCESS",status="204",target_host="127.0.0.1",target_port="8090",\
target_scheme="http",uri="/v1/nodes/{id}/action"} 2
# TYPE valence_upstream_stale_connections_total counter
valence_upstream_stale_connections_total{operation="get_node"} 1
valence_upstream_stale_connections_total{operation="reset"} 1
'''


def test_counts_of_the_service():
    counts = stack.Counts()
    stack.Backends._count(PROMETHEUS, counts)
    assert counts == stack.Counts(requests=13, valence_reads=157,
                                  batches=3, single_power_reads=7)


def test_counts_add_and_subtract_each_count():
    assert (stack.Counts(5, 100, 2, 1) - stack.Counts(1, 40, 1, 1)
            == stack.Counts(4, 60, 1, 0))
    assert (stack.Counts(5, 100, 2, 1) + stack.Counts(1, 40, 1, 1)
            == stack.Counts(6, 140, 3, 2))


class Baremetal:
    """Refuses `manage` with the given statuses, then accepts it."""

    def __init__(self, *statuses):
        self.statuses = list(statuses)
        self.calls = 0

    def set_node_provision_state(self, node, target):
        from openstack import exceptions

        self.calls += 1
        if self.statuses:
            refused = exceptions.HttpException('refused')
            refused.status_code = self.statuses.pop(0)
            raise refused


NODE = types.SimpleNamespace(id='node-1')


@pytest.fixture
def no_sleep(monkeypatch):
    monkeypatch.setattr(stack.time, 'sleep', lambda seconds: None)


def test_a_busy_conductor_is_asked_again(no_sleep):
    baremetal = Baremetal(503, 409)

    stack.manage_with_retries(baremetal, NODE, Deadline(60))

    assert baremetal.calls == 3


def test_manage_gives_up_after_its_attempts(no_sleep):
    baremetal = Baremetal(*[503] * stack.MANAGE_ATTEMPTS)

    with pytest.raises(RuntimeError, match='node-1 could not be managed'):
        stack.manage_with_retries(baremetal, NODE, Deadline(60))
    assert baremetal.calls == stack.MANAGE_ATTEMPTS


def test_another_refusal_is_not_asked_again(no_sleep):
    baremetal = Baremetal(400)

    with pytest.raises(RuntimeError, match='attempt 1'):
        stack.manage_with_retries(baremetal, NODE, Deadline(60))
    assert baremetal.calls == 1


def test_no_retry_once_the_deadline_has_passed(no_sleep):
    with pytest.raises(OutOfTime):
        stack.manage_with_retries(Baremetal(503), NODE, Deadline(0))


class SushyChild:
    pid = 4242

    def __init__(self, events):
        self.events = events

    def wait_ready(self, url, deadline):
        self.events.append(('ready', url))


class SushyProcesses:
    """Starts nothing: records what sushy-emulator would be started with."""

    log_dir = 'the-log-dir'

    def __init__(self):
        self.events = []
        self.argv = None

    def start(self, name, argv, env=None):
        self.argv = argv
        return SushyChild(self.events)


def start_sushy(tmp_path, monkeypatch, read=None):
    processes = SushyProcesses()

    def http_json(url, timeout):
        processes.events.append(('read', url, timeout))
        if read:
            read()

    monkeypatch.setattr(stack.waiting, 'http_json', http_json)
    backends = stack.Backends(processes, 3, tmp_path,
                              types.SimpleNamespace(pin=False))
    backends.start_sushy(Deadline(60))
    return backends, processes


def test_sushy_is_given_every_systems_indicator_led(tmp_path, monkeypatch):
    backends, _ = start_sushy(tmp_path, monkeypatch)

    config = {}
    exec((tmp_path / 'sushy.conf').read_text(), config)
    assert config['SUSHY_EMULATOR_INDICATOR_LEDS'] == {
        uuid: 'Lit' for uuid in backends.sushy_ids}
    assert ([s['uuid'] for s in config['SUSHY_EMULATOR_FAKE_SYSTEMS']]
            == backends.sushy_ids)


def test_sushy_builds_its_systems_before_ironic_reads(tmp_path, monkeypatch):
    backends, processes = start_sushy(tmp_path, monkeypatch)

    url = backends.sushy_url
    assert processes.events == [
        ('ready', url + '/redfish/v1/'),
        ('read', '%s/redfish/v1/Systems/%s' % (url, backends.sushy_ids[0]),
         pytest.approx(60, abs=1))]
    assert 'sushy' in backends.started


def test_sushy_failing_to_build_its_systems_is_an_error(tmp_path,
                                                        monkeypatch):
    def fails():
        raise urllib.error.HTTPError('url', 500, 'database is locked', {},
                                     None)

    with pytest.raises(RuntimeError,
                       match='did not build its 3 systems .*the-log-dir'):
        start_sushy(tmp_path, monkeypatch, fails)

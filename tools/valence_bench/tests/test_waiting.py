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


import http.server
import subprocess
import sys
import threading
import time

import pytest

from valence_bench import children
from valence_bench import waiting


class Handler(http.server.BaseHTTPRequestHandler):

    def do_GET(self):
        self.send_response(200 if self.path == '/ok' else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.HTTPServer(('127.0.0.1', 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield 'http://127.0.0.1:%d' % httpd.server_port
    httpd.shutdown()
    httpd.server_close()


class Exited:
    log_path = 'the-log'

    def running(self):
        return False

    def exited_before(self, what):
        return 'it exited before %s' % what


def test_deadline():
    deadline = waiting.Deadline(60)
    assert 59 < deadline.left() <= 60
    deadline.check('anything')
    with pytest.raises(waiting.OutOfTime, match='the load'):
        waiting.Deadline(-1).check('the load')


def test_answers_only_a_2xx(server):
    assert waiting.answers(server + '/ok')
    assert not waiting.answers(server + '/busy')


def test_wait_returns_once_it_answers(server):
    assert waiting.wait_until_answers(server + '/ok', 5) < 5


def test_wait_gives_up_within_its_bound(server):
    began = time.monotonic()
    with pytest.raises(RuntimeError, match='did not answer within 1s'):
        waiting.wait_until_answers(server + '/busy', 1, interval=0.1)
    assert time.monotonic() - began < 2


def test_wait_ends_at_once_when_the_process_exited(server):
    began = time.monotonic()
    with pytest.raises(RuntimeError, match='exited before'):
        waiting.wait_until_answers(server + '/busy', 30, Exited())
    assert time.monotonic() - began < 1


def test_a_child_waited_for_within_the_run_deadline(server, tmp_path):
    with children.Children(tmp_path) as started:
        child = started.start('sleeper', ['sleep', '30'])
        assert child.wait_ready(server + '/ok', waiting.Deadline(5)) < 5
        # The run's deadline, not the child's start-up bound, ends it.
        with pytest.raises(waiting.OutOfTime):
            child.wait_ready(server + '/busy', waiting.Deadline(0.5),
                             interval=0.1)
    assert not child.running()
    assert (tmp_path / 'sleeper.log').read_text().startswith('$ sleep 30')


def test_run_bounded_stops_the_children_and_says_out_of_time(tmp_path):
    class Args:
        max_seconds = 1

    def run(args, started, deadline):
        started.start('sleeper', [sys.executable, '-c',
                                  'import time; time.sleep(60)'])
        time.sleep(1.1)
        deadline.check('the measurement')

    began = time.monotonic()
    assert children.run_bounded(run, Args(), tmp_path) == 1
    assert time.monotonic() - began < 10
    pids = subprocess.run(['pgrep', '-f', 'time.sleep(60)'],
                          capture_output=True, text=True).stdout.split()
    assert not pids


def test_run_bounded_says_why_a_child_did_not_start(tmp_path, capsys):
    class Args:
        max_seconds = 60

    def run(args, started, deadline):
        raise RuntimeError('the emulator exited before it answered')

    assert children.run_bounded(run, Args(), tmp_path) == 1
    assert 'exited before it answered' in capsys.readouterr().err

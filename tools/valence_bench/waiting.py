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


"""Waiting, bounded: a run's deadline, and a process that should answer."""

import json
import time
import urllib.error
import urllib.request

# The longest any child may take to answer after its start.
START_TIMEOUT_S = 180


class OutOfTime(Exception):
    """The run's time bound was reached."""


class Deadline:
    """The moment a run (or a part of it) must be over."""

    def __init__(self, seconds):
        self.at = time.monotonic() + seconds

    def left(self):
        return self.at - time.monotonic()

    def check(self, what):
        """:raises OutOfTime: when the deadline has passed."""
        if self.left() <= 0:
            raise OutOfTime(what)


def answers(url, headers=None, timeout=5):
    """Whether url answers a GET with a 2xx, within timeout seconds."""
    try:
        request = urllib.request.Request(url, headers=headers or {})
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError, ValueError):
        return False


def http_json(url, headers=None, timeout=30):
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def wait_until_answers(url, seconds, process=None, headers=None,
                       interval=0.5):
    """Polls url until it answers 2xx, for at most `seconds`.

    :param process: the child meant to serve url (with running() and
        exited_before()): its exit ends the wait at once.
    :returns: the seconds it took.
    :raises RuntimeError: when the process exited first, or when url did
        not answer in time.
    """
    began = time.monotonic()
    limit = began + seconds
    while True:
        if process is not None and not process.running():
            raise RuntimeError(process.exited_before(url + ' answered'))
        if answers(url, headers, timeout=max(0.1, min(
                2, limit - time.monotonic()))):
            return time.monotonic() - began
        left = limit - time.monotonic()
        if left <= 0:
            break
        time.sleep(min(interval, left))
    raise RuntimeError('%s did not answer within %gs%s' % (
        url, seconds, '; see %s' % process.log_path
        if getattr(process, 'log_path', None) else ''))

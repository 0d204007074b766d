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

"""SIGTERM to the service while a reboot waits on a slow Valence.

Starts the emulator and the service jars on free loopback ports, gives
one node 3 s of latency on every Valence call, asks the service to reboot
it, and sends the service SIGTERM while the reboot's ForceOff is in
flight. Prints when readiness went down, what a request sent after the
SIGTERM got, what the reboot got, how long the service took to exit, and
which actions Valence received. See "Shutdown" in docs/service.md.

    tools/bench shutdown-drill
"""

import json
import os
import secrets
import signal
import threading
import time
import urllib.error
import urllib.request

import ports

from valence_bench import children

LATENCY_MS = 3000
# The SIGTERM comes while the ForceOff is in flight: after the first read
# (one latency) and into the action (the next).
SIGTERM_AFTER_S = LATENCY_MS / 1000 * 1.5
ANSWER_TIMEOUT_S = 90


def call(method, url, body=None, token=None, timeout=ANSWER_TIMEOUT_S):
    """(status, headers, parsed JSON body or None, seconds taken)."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header('Content-Type', 'application/json')
    if token:
        request.add_header('Authorization', 'Bearer ' + token)
    began = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, headers, raw = (response.status, response.headers,
                                    response.read())
    except urllib.error.HTTPError as e:
        status, headers, raw = e.code, e.headers, e.read()
    took = time.monotonic() - began
    return status, headers, json.loads(raw) if raw else None, took


def run(args, started, deadline):
    emulator_port, service_port = ports.free_ports(2)
    valence = 'http://127.0.0.1:%d' % emulator_port
    service = 'http://127.0.0.1:%d' % service_port
    token = secrets.token_urlsafe(32)
    emulator = started.emulator(emulator_port, 4)
    emulator.wait_ready(valence + '/', deadline)
    service_process = started.service(
        service_port, valence, token,
        argv=['java', '-jar', children.SERVICE_JAR])
    service_process.wait_ready(service + '/actuator/health/readiness',
                               deadline)
    node = call('GET', valence + '/v1/nodes')[2][0]['uuid']
    call('POST', '%s/emulator/nodes/%s/power' % (valence, node),
         {'state': 'On'})
    call('PUT', '%s/emulator/nodes/%s/faults' % (valence, node),
         {'latency_ms': LATENCY_MS})

    power = '%s/v1/nodes/%s/power' % (service, node)
    reboot = {}
    worker = threading.Thread(target=lambda: reboot.update(answer=call(
        'PUT', power, {'target': 'rebooting', 'timeout': 60}, token)))
    worker.start()
    time.sleep(SIGTERM_AFTER_S)
    sigterm = time.monotonic()
    os.kill(service_process.pid, signal.SIGTERM)

    readiness = None
    while readiness is None and time.monotonic() - sigterm < 10:
        answer = call('GET', service + '/actuator/health/readiness',
                      timeout=5)
        if answer[0] == 503:
            readiness = answer
    readiness_after = time.monotonic() - sigterm
    late = call('GET', power, token=token, timeout=10)
    worker.join(ANSWER_TIMEOUT_S)
    reboot_after = time.monotonic() - sigterm
    service_process.popen.wait(timeout=60)
    exit_after = time.monotonic() - sigterm
    actions = call('GET', '%s/emulator/nodes/%s' % (valence, node))[2]

    status, _, body, took = reboot['answer']
    print('SIGTERM %.1f s after the reboot was sent (Valence latency '
          '%d ms per call)' % (SIGTERM_AFTER_S, LATENCY_MS))
    print('readiness: %s %s, %.0f ms after SIGTERM' % (
        readiness[0], readiness[2]['status'], readiness_after * 1000))
    print('late GET .../power: %s %s (Retry-After %s) in %.0f ms' % (
        late[0], late[2]['code'], late[1].get('Retry-After'),
        late[3] * 1000))
    print('reboot: %s %s actions_sent=%s, %.0f ms after SIGTERM '
          '(%.0f ms in all): %s' % (
              status, body.get('code'), body.get('actions_sent'),
              reboot_after * 1000, took * 1000, body.get('detail')))
    print('service exited with %s, %.0f ms after SIGTERM' % (
        service_process.popen.returncode, exit_after * 1000))
    print('Valence received: %s' % [
        a['body']['Reset']['Type'] for a in actions['actions']])
    print('logs: %s' % started.log_dir)


def main(argv, prog):
    parser = children.parser(prog, __doc__.splitlines()[0], 300)
    return children.run_parsed(parser, argv, run)

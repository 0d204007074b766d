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

"""The driver service's start-up time, process start to ready, by JVM setup.

    tools/bench startup [--runs 5]

Starts one emulator, then the service again and again against it, each
time measuring from the moment the process is spawned to the first 200 of
GET /actuator/health/readiness (polled every 20 ms), and the CPU time the
service had used by then (from /proc, which a busy neighbour on a shared
machine slows less than the wall clock), in rounds that take the setups in
turn so that a busy spell hits them all:

  jar          java -jar the fat jar, with no JVM options
  jar-options  java @valence-driver-service/jvm.options -jar the fat jar
  shipped      the service as it ships, exactly as scripts/run, the
               container image and the operator guide start it: the same
               JVM options, the jar extracted, and the archive of loaded
               classes of scripts/service-layout (an AOT cache on Java 25
               or later, which the script picks when the machine has it)
  path-java    the same layout on the java on the PATH, when the shipped
               one runs on another (a class-data sharing archive on Java
               17)

Only 127.0.0.1; every wait is bounded; everything started is stopped.
"""

import os
import secrets
import statistics
import subprocess
import time

import ports
import processes

from valence_bench import children
from valence_bench import proc
from valence_bench import results

POLL_S = 0.02


def java_version(java):
    return subprocess.run([java, '-version'], capture_output=True,
                          text=True, timeout=30).stderr.splitlines()[0]


def time_to_ready(started, name, argv, env, url, deadline):
    """Wall and CPU seconds from spawning argv to url answering 200."""
    began = time.monotonic()
    child = started.start(name, argv, env)
    try:
        child.wait_ready(url, deadline, interval=POLL_S)
        return time.monotonic() - began, proc.cpu_seconds(child.pid)
    finally:
        started.stop(child)


def setups():
    """The command line of each setup; lays the shipped service out."""
    jar = str(children.SERVICE_JAR)
    commands = {
        'jar': ['java', '-jar', jar],
        'jar-options': ['java', '@%s' % processes.SERVICE_JVM_OPTIONS,
                        '-jar', jar],
        'shipped': processes.service_command(),
    }
    if commands['shipped'][0] != 'java':
        commands['path-java'] = processes.service_command(java='java')
    return commands


def run(args, started, deadline):
    emulator_port, service_port = ports.free_ports(2)
    env = {'SERVER_PORT': str(service_port),
           'VALENCE_URL': 'http://127.0.0.1:%d' % emulator_port,
           'VALENCE_DRIVER_TOKEN': 'startup-' + secrets.token_urlsafe(24)}
    url = 'http://127.0.0.1:%d/actuator/health/readiness' % service_port
    emulator = started.emulator(emulator_port, 4)
    emulator.wait_ready('http://127.0.0.1:%d/' % emulator_port, deadline)
    commands = setups()
    times = {name: [] for name in commands}
    for run in range(args.runs):
        names = list(commands)
        if run % 2:
            names.reverse()
        for name in names:
            times[name].append(time_to_ready(started, name, commands[name],
                                             env, url, deadline))
    started.stop_all()
    report(args, commands, times)


def report(args, commands, times):
    print('service start-up, process start to readiness 200, %d runs each, '
          '%d cores; java on the PATH: %s; shipped: %s' % (
              args.runs, os.cpu_count(), java_version('java'),
              java_version(commands['shipped'][0])))
    print('%-12s %17s %17s %17s' % ('', 'wall s', 'CPU s', 'wall / jar'))
    print('%-12s %8s %8s %8s %8s %8s %8s'
          % ('setup', 'median', 'max', 'median', 'max', 'median', 'max'))
    jar_walls = [wall for wall, _ in times['jar']]
    figures = {}
    for name, values in times.items():
        walls = [wall for wall, _ in values]
        cpus = [cpu for _, cpu in values]
        # Each run's ratio to the plain jar's in the same round.
        ratios = [w / j for w, j in zip(walls, jar_walls)]
        print('%-12s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f'
              % (name, statistics.median(walls), max(walls),
                 statistics.median(cpus), max(cpus),
                 statistics.median(ratios), max(ratios)))
        figures[name] = {'wall_s': walls, 'cpu_s': cpus}
    print('shipped: %s' % ' '.join(commands['shipped']))
    results.write(results.record('startup', args.command, {
        'java': java_version(commands['shipped'][0]), 'setups': figures}))


def main(argv, prog):
    parser = children.parser(prog, __doc__.splitlines()[0], 900)
    parser.add_argument('--runs', type=children.positive, default=5)
    return children.run_parsed(parser, argv, run)

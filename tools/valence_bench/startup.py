#!/usr/bin/env python3
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

    python3 scripts/startup.py [--runs 5]

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

import argparse
import os
from pathlib import Path
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

# scripts/ is on the path as this file's directory.
from benchmark import cpu_seconds
from ports import free_ports
import processes

ROOT = Path(__file__).resolve().parent.parent
# Named as scripts/lib.sh and e2e/stack.py name it: the version is in the
# root pom.xml alone.
EMULATOR_JAR = ROOT / 'valence-emulator/target/valence-emulator.jar'
READY_TIMEOUT_S = 120
POLL_S = 0.02


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def java_version(java):
    return subprocess.run([java, '-version'], capture_output=True,
                          text=True, timeout=30).stderr.splitlines()[0]


def spawn(argv, env, log):
    return subprocess.Popen(argv, env={**os.environ, **env},
                            stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)


def stop(process):
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def time_to_ready(argv, env, url, log):
    """Wall and CPU seconds from spawning argv to url answering 200."""
    began = time.monotonic()
    process = spawn(argv, env, log)
    try:
        while time.monotonic() - began < READY_TIMEOUT_S:
            if answers(url):
                return time.monotonic() - began, cpu_seconds(process.pid)
            if process.poll() is not None:
                raise SystemExit('the service exited with %s; see %s'
                                 % (process.returncode, log.name))
            time.sleep(POLL_S)
        raise SystemExit('the service was not ready within %ss'
                         % READY_TIMEOUT_S)
    finally:
        stop(process)


def setups():
    """The command line of each setup; lays the shipped service out."""
    jar = str(processes.SERVICE_JAR)
    commands = {
        'jar': ['java', '-jar', jar],
        'jar-options': ['java', '@%s' % processes.SERVICE_JVM_OPTIONS,
                        '-jar', jar],
        'shipped': processes.service_command(),
    }
    if commands['shipped'][0] != 'java':
        commands['path-java'] = processes.service_command(java='java')
    return commands


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix='valence-startup.'))
    emulator_port, service_port = free_ports(2)
    env = {'SERVER_PORT': str(service_port),
           'VALENCE_URL': 'http://127.0.0.1:%d' % emulator_port,
           'VALENCE_DRIVER_TOKEN': 'startup-' + secrets.token_urlsafe(24)}
    url = 'http://127.0.0.1:%d/actuator/health/readiness' % service_port
    with open(work / 'startup.log', 'wb') as log:
        emulator = spawn(['java', '-jar', str(EMULATOR_JAR)],
                         {'SERVER_PORT': str(emulator_port)}, log)
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while not answers('http://127.0.0.1:%d/' % emulator_port):
                if time.monotonic() > deadline or emulator.poll() is not None:
                    raise SystemExit('the emulator did not start; see %s'
                                     % log.name)
                time.sleep(0.2)
            commands = setups()
            times = {name: [] for name in commands}
            for run in range(args.runs):
                names = list(commands)
                if run % 2:
                    names.reverse()
                for name in names:
                    times[name].append(time_to_ready(commands[name], env, url,
                                                     log))
        finally:
            stop(emulator)
    print('service start-up, process start to readiness 200, %d runs each, '
          '%d cores; java on the PATH: %s; shipped: %s' % (
              args.runs, os.cpu_count(), java_version('java'),
              java_version(commands['shipped'][0])))
    print('%-12s %17s %17s %17s' % ('', 'wall s', 'CPU s', 'wall / jar'))
    print('%-12s %8s %8s %8s %8s %8s %8s'
          % ('setup', 'median', 'max', 'median', 'max', 'median', 'max'))
    jar_walls = [wall for wall, _ in times['jar']]
    for name, values in times.items():
        walls = [wall for wall, _ in values]
        cpus = [cpu for _, cpu in values]
        # Each run's ratio to the plain jar's in the same round.
        ratios = [w / j for w, j in zip(walls, jar_walls)]
        print('%-12s %8.2f %8.2f %8.2f %8.2f %8.2f %8.2f'
              % (name, statistics.median(walls), max(walls),
                 statistics.median(cpus), max(cpus),
                 statistics.median(ratios), max(ratios)))
    print('shipped: %s' % ' '.join(commands['shipped']))
    shutil.rmtree(work)
    return 0


if __name__ == '__main__':
    sys.exit(main())

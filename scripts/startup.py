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
GET /actuator/health/readiness (polled every 20 ms), in rounds that take
the setups in turn so that a busy spell hits them all:

  jar          java -jar the fat jar, with no JVM options
  c1           the same with -XX:TieredStopAtLevel=1 (C1 compiler only)
  extracted    the jar extracted by Spring Boot's jarmode tools
  appcds       extracted, with an application class-data sharing archive
               made by one training run (-XX:ArchiveClassesAtExit and
               -Dspring.context.exit=onRefresh)
  appcds-c1    both
  aot...       with --aot-jar: Spring AOT (-Dspring.aot.enabled=true),
               alone, with AppCDS, and with AppCDS and C1

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
from ports import free_ports

ROOT = Path(__file__).resolve().parent.parent
# Named as scripts/lib.sh and e2e/stack.py name them: the version is in
# the root pom.xml alone.
EMULATOR_JAR = ROOT / 'valence-emulator/target/valence-emulator.jar'
SERVICE_JAR = ROOT / 'valence-driver-service/target/valence-driver-service.jar'
READY_TIMEOUT_S = 120
POLL_S = 0.02


def answers(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


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
    """Seconds from spawning argv to url answering 200."""
    began = time.monotonic()
    process = spawn(argv, env, log)
    try:
        while time.monotonic() - began < READY_TIMEOUT_S:
            if answers(url):
                return time.monotonic() - began
            if process.poll() is not None:
                raise SystemExit('the service exited with %s; see %s'
                                 % (process.returncode, log.name))
            time.sleep(POLL_S)
        raise SystemExit('the service was not ready within %ss'
                         % READY_TIMEOUT_S)
    finally:
        stop(process)


def extract_and_train(jar, name, work, env, log, options=()):
    """Extracts jar and records a CDS archive of its start; returns both."""
    destination = work / name
    subprocess.run(['java', '-Djarmode=tools', '-jar', str(jar), 'extract',
                    '--destination', str(destination)],
                   check=True, stdout=log, stderr=subprocess.STDOUT,
                   timeout=120)
    extracted = str(destination / jar.name)
    archive = str(work / ('%s.jsa' % name))
    # The training run: start, refresh the context, exit, write the archive.
    subprocess.run(['java', '-XX:ArchiveClassesAtExit=' + archive, *options,
                    '-Dspring.context.exit=onRefresh', '-jar', extracted],
                   env={**os.environ, **env}, check=True, stdout=log,
                   stderr=subprocess.STDOUT, timeout=READY_TIMEOUT_S)
    return extracted, '-XX:SharedArchiveFile=' + archive


def setups(work, env, log, aot_jar):
    """The command line of each setup; makes the extracted jars and CDS."""
    extracted, cds = extract_and_train(SERVICE_JAR, 'extracted', work, env,
                                       log)
    c1 = '-XX:TieredStopAtLevel=1'
    commands = {
        'jar': ['java', '-jar', str(SERVICE_JAR)],
        'c1': ['java', c1, '-jar', str(SERVICE_JAR)],
        'extracted': ['java', '-jar', extracted],
        'appcds': ['java', cds, '-jar', extracted],
        'appcds-c1': ['java', cds, c1, '-jar', extracted],
    }
    if aot_jar:
        aot = '-Dspring.aot.enabled=true'
        aot_extracted, aot_cds = extract_and_train(aot_jar, 'aot', work, env,
                                                   log, [aot])
        commands.update({
            'aot': ['java', aot, '-jar', str(aot_jar)],
            'aot-appcds': ['java', aot_cds, aot, '-jar', aot_extracted],
            'aot-cds-c1': ['java', aot_cds, c1, aot, '-jar', aot_extracted],
        })
    return commands


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--runs', type=int, default=5)
    parser.add_argument('--aot-jar', type=Path,
                        help='the service built with spring-boot:process-aot '
                        '(adds the setups aot, aot-appcds, aot-cds-c1)')
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
            commands = setups(work, env, log, args.aot_jar)
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
          '%d cores, seconds' % (args.runs, os.cpu_count()))
    print('%-10s %7s %7s %7s' % ('setup', 'median', 'min', 'max'))
    for name, values in times.items():
        print('%-10s %7.2f %7.2f %7.2f' % (name, statistics.median(values),
                                           min(values), max(values)))
    shutil.rmtree(work)
    return 0


if __name__ == '__main__':
    sys.exit(main())

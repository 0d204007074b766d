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

"""The project's one Python helper for its own child processes.

Used by the end-to-end run (e2e/stack.py) and the benchmarks
(tools/valence_bench/children.py); the shell scripts have theirs in
scripts/lib.sh. Each
child runs in a session of its own with its output in a log file, and
stop() ends the whole session.
"""

import hashlib
import os
from pathlib import Path
import shlex
import signal
import subprocess

ROOT = Path(__file__).resolve().parent.parent
# Named as scripts/lib.sh names them: the version is in the root pom.xml
# alone.
EMULATOR_JAR = ROOT / 'valence-emulator/target/valence-emulator.jar'
SERVICE_JAR = ROOT / 'valence-driver-service/target/valence-driver-service.jar'
SERVICE_JVM_OPTIONS = ROOT / 'valence-driver-service/jvm.options'
SERVICE_LAYOUT = ROOT / 'valence-driver-service/target/shipped'
# The extraction and the training run of scripts/service-layout, with room
# to wait for another caller making the same layout.
LAYOUT_TIMEOUT_S = 450


def service_command(jar=SERVICE_JAR, options=(), java=None):
    """The command that starts the service as it ships.

    That is scripts/service-layout's: the JVM (`java`, else the script's
    choice), the service's JVM options, then `options`, then its extracted
    jar with its archive of loaded classes, made first when missing or older
    than the jar. Another jar than the build's (a benchmark's), or another
    JVM, is laid out under .run/, never beside it.

    :raises subprocess.CalledProcessError: when the layout cannot be made
        (the script said why on standard error).
    """
    jar = Path(jar).resolve()
    layout = SERVICE_LAYOUT
    env = None
    if java is not None:
        env = {**os.environ, 'SERVICE_JAVA': java}
    if jar != SERVICE_JAR or java is not None:
        layout = ROOT / '.run' / 'shipped' / hashlib.sha256(
            ('%s\n%s' % (jar, java)).encode()).hexdigest()[:16]
    listing = subprocess.run(
        [ROOT / 'scripts/service-layout', jar, SERVICE_JVM_OPTIONS, layout,
         *options], check=True, stdout=subprocess.PIPE, text=True,
        timeout=LAYOUT_TIMEOUT_S, env=env)
    return listing.stdout.splitlines()


class Process:
    """A child process in a session of its own, its output in a log file."""

    def __init__(self, name, argv, log_path, env, cwd=None):
        """Start argv.

        :param name: how messages name it.
        :param log_path: the file its output is appended to, after the line
            that started it.
        :param env: its whole environment.
        """
        self.name = name
        self.log_path = log_path
        self._log = open(log_path, 'ab')
        self._log.write(('$ %s\n' % shlex.join(map(str, argv))).encode())
        self._log.flush()
        # A session of its own so that stop() reaches the workers a child
        # forks (Ironic's launcher does), not only the child itself.
        self.popen = subprocess.Popen(
            [str(a) for a in argv], env=env, cwd=cwd,
            stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT, start_new_session=True)
        self.pid = self.popen.pid

    def running(self):
        return self.popen.poll() is None

    def exited_before(self, what):
        """The message for a child that exited before `what` happened."""
        return ('%s exited with status %s before %s; see %s'
                % (self.name, self.popen.returncode, what, self.log_path))

    def stop(self, timeout=20):
        """SIGTERM to its session, SIGKILL after `timeout` seconds.

        The session is signalled even when the child itself has exited, so
        that workers it forked do not outlive it.
        """
        try:
            os.killpg(self.pid, signal.SIGTERM)
            self.popen.wait(timeout=timeout)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)
        finally:
            self._log.close()

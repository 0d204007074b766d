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

"""A throw-away PostgreSQL cluster for Ironic's production topology.

Shared by the high-availability end-to-end run (e2e/ha_stack.py) and the
fleet benchmark's `--topology ha` (tools/bench fleet): both run Ironic's
API and conductors as separate processes on one database. The cluster
lives in a directory of the run's own, listens on 127.0.0.1 only, and is
made without durability (it holds only the run's test data).
"""

import glob
import os
from pathlib import Path
import pwd
import shutil
import subprocess
import time

CLI_TIMEOUT_S = 120
STOP_TIMEOUT_S = 60


class PostgresError(RuntimeError):
    """PostgreSQL is missing, cannot run here, or did not start."""


def server_bin(name):
    """The path of a PostgreSQL server program, the newest release's.

    Debian keeps them in /usr/lib/postgresql/<major>/bin, off the PATH.

    :raises PostgresError: when PostgreSQL is not installed.
    """
    found = sorted(glob.glob('/usr/lib/postgresql/*/bin/' + name),
                   key=lambda p: int(Path(p).parts[-3]))
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise PostgresError(
            '%s is missing: install PostgreSQL (apt-get install postgresql; '
            'scripts/test does)' % name)
    return path


def check_stopped(directory):
    """:raises PostgresError: when a cluster in directory may still run.

    A run killed before it stopped its PostgreSQL leaves it running, and
    removing its directory would not stop it.
    """
    pid_file = Path(directory) / 'data' / 'postmaster.pid'
    if pid_file.exists():
        raise PostgresError(
            'a PostgreSQL of an earlier run may still be running: see %s, '
            'stop it with pg_ctl stop -D %s' % (pid_file, pid_file.parent))


class Postgres:
    """A PostgreSQL cluster of the run's own, on 127.0.0.1 only.

    Its socket stays in its own directory. Run by root, the server programs
    run as the `postgres` user (initdb and postgres refuse root), which
    Debian's postgresql package creates. Anyone on this machine may connect
    as `ironic` without a password: it holds only the run's test data.
    """

    def __init__(self, directory, port, log_dir, spawn):
        """Describes the cluster; start() makes it.

        :param directory: where the cluster is made; must not exist.
        :param log_dir: where the administration commands log.
        :param spawn: spawn(name, argv) starts the server as a child of the
            run and returns it (an object with running(), exited_before()
            and stop(), as scripts/processes.py's Process).
        """
        # Absolute: the server changes into its data directory first.
        self.directory = Path(directory).resolve()
        self.data = self.directory / 'data'
        self.port = port
        self.log_path = Path(log_dir) / 'postgres-admin.log'
        self._spawn = spawn
        self._as_owner = []
        self.process = None

    def url(self, database):
        """The SQLAlchemy URL of one of its databases."""
        return 'postgresql+psycopg2://ironic@127.0.0.1:%d/%s' % (self.port,
                                                                 database)

    def _run(self, *argv):
        with open(self.log_path, 'ab') as log:
            subprocess.run([*self._as_owner, *argv], check=True,
                           timeout=CLI_TIMEOUT_S, stdout=log,
                           stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def start(self, timeout):
        """Creates the cluster and starts it, waiting up to timeout seconds.

        :raises PostgresError: when it cannot run here or does not accept
            connections in time.
        """
        self.directory.mkdir(parents=True)
        if os.geteuid() == 0:
            try:
                pwd.getpwnam('postgres')
            except KeyError:
                raise PostgresError('PostgreSQL refuses to run as root and '
                                    'there is no postgres user to run it')
            shutil.chown(self.directory, 'postgres')
            self._as_owner = ['runuser', '-u', 'postgres', '--']
        self._run(server_bin('initdb'), '-D', self.data, '-U', 'ironic',
                  '--auth=trust', '--encoding=UTF8', '--no-sync')
        # Durability is not what is tested: no fsync keeps it quick.
        self.process = self._spawn('postgres', [
            *self._as_owner, server_bin('postgres'), '-D', self.data,
            '-p', str(self.port), '-c', 'listen_addresses=127.0.0.1',
            '-c', 'unix_socket_directories=%s' % self.directory,
            '-c', 'fsync=off', '-c', 'full_page_writes=off'])
        ends = time.monotonic() + timeout
        while not self._ready():
            if time.monotonic() >= ends:
                raise PostgresError('PostgreSQL did not accept connections '
                                    'within %ss; see %s' % (
                                        timeout, self.log_path.parent))
            time.sleep(0.5)

    def create_database(self, name):
        """Creates an empty database and returns its SQLAlchemy URL."""
        self._run(server_bin('createdb'), '-h', '127.0.0.1',
                  '-p', str(self.port), '-U', 'ironic', name)
        return self.url(name)

    def _ready(self):
        if not self.process.running():
            raise PostgresError(self.process.exited_before('it answered'))
        return subprocess.run(
            [server_bin('pg_isready'), '-q', '-h', '127.0.0.1',
             '-p', str(self.port)], timeout=10).returncode == 0

    def stop(self):
        """Stops the server (fast: open sessions are ended)."""
        if self.process is None:
            return
        if self.process.running():
            self._run(server_bin('pg_ctl'), 'stop', '-D', self.data,
                      '-m', 'fast', '-w', '-t', str(STOP_TIMEOUT_S))
        self.process.stop()

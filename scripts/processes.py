"""The project's one Python helper for its own child processes.

Used by the end-to-end run (e2e/stack.py) and the fleet benchmark
(scripts/fleet.py); the shell scripts have theirs in scripts/lib.sh. Each
child runs in a session of its own with its output in a log file, and
stop() ends the whole session.
"""

import os
import shlex
import signal
import subprocess


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

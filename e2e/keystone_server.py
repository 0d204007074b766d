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

"""Serves Keystone's API with gunicorn on a loopback port: PORT [WORKERS].

Run by e2e/identity.py with the Python of Keystone's own venv, and
KEYSTONE's configuration file in OS_KEYSTONE_CONFIG_FILES. Keystone
parses the process's command line as its own options when it loads, so
gunicorn is driven from here, with a command line Keystone accepts.
"""

import sys

from gunicorn.app import base


class KeystoneApplication(base.BaseApplication):
    """gunicorn, configured here rather than from the command line."""

    def __init__(self, port, workers):
        self.port = port
        self.workers = workers
        super().__init__()

    def load_config(self):
        self.cfg.set('bind', '127.0.0.1:%d' % self.port)
        self.cfg.set('workers', self.workers)
        self.cfg.set('threads', 4)
        self.cfg.set('timeout', 60)

    def load(self):
        from keystone.wsgi import api
        return api.application


def main():
    port = int(sys.argv[1])
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    del sys.argv[1:]
    KeystoneApplication(port, workers).run()


if __name__ == '__main__':
    main()

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

"""A real Keystone for the end-to-end run, and the users that log in to it.

Keystone comes from PyPI into a venv of its own (scripts/lib.sh's
ensure_keystone_venv): its pins are not Ironic's. It keeps its data in
SQLite, signs Fernet tokens and is served by gunicorn on a free loopback
port (e2e/keystone_server.py); `keystone-manage bootstrap` makes the admin
user (admin on the system), the roles and the identity endpoint. Then,
through Keystone's own API as that admin: the baremetal service and its
endpoint (the catalog the CLI finds Ironic in), a reader user (reader on
the system), and the ironic service user that Ironic's keystonemiddleware
validates tokens with.
Each user gets a clouds.yaml of its own, which is all its CLI is given.
"""

import os
from pathlib import Path
import secrets
import subprocess

import requests
import yaml

import stack

VENV_BIN = stack.ROOT / '.venv-keystone' / 'bin'
WORK_DIR = stack.WORK_DIR / 'keystone'
# What docs/operator-guide.md tells an operator to set so that readers
# reach `baremetal valence node list` and `flavor list`: the plugin's own
# rules still keep composition to admins.
POLICY_YAML = (
    '"baremetal:driver:vendor_passthru": "role:reader and system_scope:all"\n')
REGION = 'RegionOne'
DOMAIN = 'Default'
SERVICE_PROJECT = 'service'
# keystone-manage's steps on an empty SQLite database: each well under this.
MANAGE_TIMEOUT_S = 180
API_TIMEOUT_S = 30


class Keystone:
    """Keystone on loopback with an admin, a reader and Ironic's user."""

    def __init__(self, state_dir, log_dir, port, spawn):
        """:param spawn: the stack's spawn(name, argv, env) of a child."""
        self.state_dir = Path(state_dir)
        self.log_dir = Path(log_dir)
        self.url = 'http://127.0.0.1:%d' % port
        self.auth_url = self.url + '/v3'
        self.port = port
        self._spawn = spawn
        self.passwords = {name: secrets.token_urlsafe(16)
                          for name in ('admin', 'reader', 'ironic')}
        self._conf = self.state_dir / 'keystone.conf'
        self._admin_token = None

    def start(self):
        """Makes the database and keys and starts the API (not yet ready)."""
        if not (VENV_BIN / 'keystone-manage').is_file():
            raise AssertionError(
                '%s is missing: create it with `source scripts/lib.sh; '
                'ensure_keystone_venv`' % VENV_BIN.parent)
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._write_conf()
        user = os.getuid(), os.getgid()
        self._manage('db_sync')
        for keys in ('fernet_setup', 'credential_setup'):
            self._manage(keys, '--keystone-user', str(user[0]),
                         '--keystone-group', str(user[1]))
        self._manage('bootstrap', '--bootstrap-username', 'admin',
                     '--bootstrap-project-name', 'admin',
                     '--bootstrap-role-name', 'admin',
                     '--bootstrap-region-id', REGION,
                     '--bootstrap-admin-url', self.auth_url,
                     '--bootstrap-internal-url', self.auth_url,
                     '--bootstrap-public-url', self.auth_url,
                     password=self.passwords['admin'])
        return self._spawn('keystone', [
            VENV_BIN / 'python', Path(__file__).parent / 'keystone_server.py',
            str(self.port)], {'OS_KEYSTONE_CONFIG_FILES': str(self._conf)})

    def provision(self, baremetal_url):
        """Adds the baremetal endpoint, the reader and Ironic's user.

        Keystone must be answering.
        """
        self._admin_token = self._token('admin', system=True)
        service = self._post('/services', 'service', {
            'type': 'baremetal', 'name': 'ironic', 'enabled': True})
        for interface in ('public', 'internal', 'admin'):
            self._post('/endpoints', 'endpoint', {
                'service_id': service['id'], 'interface': interface,
                'region_id': REGION, 'url': baremetal_url})
        roles = {role['name']: role['id']
                 for role in self._get('/roles')['roles']}
        project = self._post('/projects', 'project', {
            'name': SERVICE_PROJECT, 'domain_id': DOMAIN.lower()})
        reader = self._user('reader')
        self._put('/system/users/%s/roles/%s' % (reader, roles['reader']))
        ironic = self._user('ironic')
        self._put('/projects/%s/users/%s/roles/%s'
                  % (project['id'], ironic, roles['service']))

    def authtoken_options(self):
        """ironic.conf's [keystone_authtoken] for Ironic's service user."""
        return {
            'www_authenticate_uri': self.auth_url,
            'auth_url': self.auth_url,
            'auth_type': 'password',
            'username': 'ironic',
            'password': self.passwords['ironic'],
            'user_domain_name': DOMAIN,
            'project_name': SERVICE_PROJECT,
            'project_domain_name': DOMAIN,
            'region_name': REGION,
        }

    def write_clouds_yaml(self, path, user):
        """A clouds.yaml whose one cloud, `e2e`, is user on the system."""
        clouds = {'clouds': {'e2e': {
            'auth_type': 'password',
            'auth': {'auth_url': self.auth_url, 'username': user,
                     'password': self.passwords[user],
                     'user_domain_name': DOMAIN, 'system_scope': 'all'},
            'region_name': REGION,
            'identity_api_version': 3,
        }}}
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, 'w') as f:
            yaml.safe_dump(clouds, f)
        return path

    def secrets(self):
        """What no log may hold: the passwords and the admin's token."""
        return [*self.passwords.values(), self._admin_token]

    def _write_conf(self):
        keys = self.state_dir / 'fernet-keys'
        credential_keys = self.state_dir / 'credential-keys'
        for directory in (keys, credential_keys):
            directory.mkdir(mode=0o700, exist_ok=True)
        self._conf.write_text(
            '[DEFAULT]\n'
            'log_file = %s\n'
            '[database]\nconnection = sqlite:///%s\n'
            '[token]\nprovider = fernet\n'
            '[fernet_tokens]\nkey_repository = %s\n'
            '[credential]\nkey_repository = %s\n'
            % (self.log_dir / 'keystone-app.log',
               self.state_dir / 'keystone.sqlite', keys, credential_keys))

    def _manage(self, *args, password=None):
        # The bootstrap password goes through the environment, never on a
        # command line.
        env = {**os.environ, 'OS_BOOTSTRAP_PASSWORD': password or ''}
        with open(self.log_dir / 'keystone-manage.log', 'ab') as log:
            subprocess.run(
                [str(VENV_BIN / 'keystone-manage'), '--config-file',
                 str(self._conf), *args], check=True, env=env,
                timeout=MANAGE_TIMEOUT_S, stdout=log,
                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def _token(self, user, system=False):
        scope = {'system': {'all': True}} if system else None
        body = {'auth': {'identity': {'methods': ['password'], 'password': {
            'user': {'name': user, 'domain': {'name': DOMAIN},
                     'password': self.passwords[user]}}}}}
        if scope:
            body['auth']['scope'] = scope
        response = requests.post(self.auth_url + '/auth/tokens', json=body,
                                 timeout=API_TIMEOUT_S)
        response.raise_for_status()
        return response.headers['X-Subject-Token']

    def _call(self, method, path, body=None):
        response = requests.request(
            method, self.auth_url + path, json=body, timeout=API_TIMEOUT_S,
            headers={'X-Auth-Token': self._admin_token})
        if not response.ok:
            raise AssertionError('Keystone answered %s %s with %s: %s' % (
                method, path, response.status_code, response.text))
        return response.json() if response.content else None

    def _get(self, path):
        return self._call('GET', path)

    def _post(self, path, member, fields):
        return self._call('POST', path, {member: fields})[member]

    def _put(self, path):
        self._call('PUT', path)

    def _user(self, name):
        return self._post('/users', 'user', {
            'name': name, 'domain_id': DOMAIN.lower(),
            'password': self.passwords[name]})['id']


class KeystoneStack(stack.Stack):
    """The end-to-end stack with Ironic behind this Keystone.

    Ironic's policy.yaml opens the driver's vendor passthru to readers, as
    docs/operator-guide.md tells an operator to, so that readers reach the
    lists; everything else keeps Ironic's and the plugin's defaults.
    """

    log_dir = WORK_DIR / 'logs'
    state_dir = WORK_DIR / 'state'

    def __init__(self):
        super().__init__()
        self.keystone = None
        self.reader_cli = None

    def start(self):
        port, = stack.free_ports(1)
        self.keystone = Keystone(self.state_dir / 'keystone', self.log_dir,
                                 port, self._spawn)
        self.keystone.start().wait_ready(self.keystone.auth_url)
        super().start()

    def prepare_auth(self):
        self.keystone.provision(self.ironic_url)
        policy = self.state_dir / 'policy.yaml'
        policy.write_text(POLICY_YAML)
        return {
            'DEFAULT': {'auth_strategy': 'keystone'},
            'keystone_authtoken': self.keystone.authtoken_options(),
            'oslo_policy': {'policy_file': str(policy)},
        }

    def make_clis(self):
        self.cli = stack.Baremetal.cloud(
            self.keystone.write_clouds_yaml(
                self.state_dir / 'admin-clouds.yaml', 'admin'),
            'baremetal-admin', self.log_dir)
        self.reader_cli = stack.Baremetal.cloud(
            self.keystone.write_clouds_yaml(
                self.state_dir / 'reader-clouds.yaml', 'reader'),
            'baremetal-reader', self.log_dir)

    def secrets(self):
        return super().secrets() + self.keystone.secrets()

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

"""Image tarballs laid out and run as a container engine would, no daemon.

Used by scripts/image_aot.py (the service's AOT cache, trained in its
image) and scripts/check_images.py. Running needs root: a command runs in
the image's directory (chroot) as the image's user, after contain() gave
it a /proc and a /dev, inside the namespaces of NAMESPACES (a network of
loopback alone, mounts and process ids of its own) that the caller enters
by running itself again under them.
"""

import json
import os
import pathlib
import shutil
import subprocess
import tarfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
NAMESPACES = ['unshare', '--net', '--mount', '--pid', '--fork', '--kill-child']
# Found on the caller's PATH: the images' own PATH is what their commands get.
CHROOT = shutil.which('chroot') or '/usr/sbin/chroot'


def tarball(name):
    """The tarball jib:buildTar writes for the module name."""
    return ROOT / name / 'target' / ('%s-image.tar' % name)


class Image(object):
    """An image tarball (`docker save` format) laid out in a directory."""

    def __init__(self, name, tarball, workdir, lay_out=True):
        self.name = name
        self.rootfs = pathlib.Path(workdir) / name
        with tarfile.open(tarball) as archive:
            manifest = _json(archive, 'manifest.json')[0]
            self.config = _json(archive, manifest['Config'])['config']
            self.tags = manifest.get('RepoTags') or []
            for layer in manifest['Layers'] if lay_out else ():
                # As built, modes and owners included (the 'tar' filter
                # would take /tmp's write bits): this build made them.
                with tarfile.open(fileobj=archive.extractfile(layer)) as t:
                    t.extractall(self.rootfs, numeric_owner=True,
                                 filter='fully_trusted')
        self.env = dict(entry.split('=', 1)
                        for entry in self.config.get('Env') or [])
        self.entrypoint = self.config.get('Entrypoint') or []
        self.user = self.config.get('User') or ''

    def path(self, name):
        return self.rootfs / name.lstrip('/')

    def which(self, command):
        """The image's file the PATH of its environment runs as command."""
        for directory in self.env.get('PATH', '').split(':'):
            candidate = self.path('%s/%s' % (directory, command))
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return candidate
        return None

    def argv(self, command):
        """The command that runs command in the image, as its user."""
        return [CHROOT, '--userspec=' + self.user, str(self.rootfs)] + command

    def contain(self):
        """Gives the image what a container engine gives it.

        A /proc (where the dynamic loader finds java's libraries) and a
        /dev (/dev/null, where the health checks write, /dev/urandom).
        Only inside NAMESPACES: the mounts end with them.
        """
        subprocess.run(['mount', '-t', 'proc', 'proc',
                        str(self.path('/proc'))], check=True)
        subprocess.run(['mount', '--rbind', '/dev', str(self.path('/dev'))],
                       check=True)

    def run(self, command, **kwargs):
        """Starts command in the image with the image's environment."""
        return subprocess.Popen(self.argv(command), env=self.env, **kwargs)


def loopback_up():
    """Brings up the loopback of the new network namespace, its only link."""
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)


def _json(archive, name):
    return json.load(archive.extractfile(name))

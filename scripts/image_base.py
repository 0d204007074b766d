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

"""The base image of the service's and the emulator's images, no registry.

`python3 scripts/image_base.py [OUTPUT]` writes OUTPUT (by default
target/image-base.tar at the repository's root), an image in the format of
`docker save` that Jib builds on (`<from><image>tar://...`): one layer with
the files of a few Debian packages (the C library the JVM links against,
busybox for the compose health checks and the Helm chart's preStop sleep,
base-files for /etc/os-release) as
`dpkg-deb --fsys-tarfile` gives them, a Java runtime linked by jlink from
the Temurin 25 JDK under /opt/java, and the user valence (uid 10001) with
a home and a /tmp it may write. Every file is owned by root and dated by
SOURCE_DATE_EPOCH (1, one second after the epoch, as Jib dates its own
files, when unset), so that the same inputs give the same image.

The packages come from this machine's apt sources (`apt-get download`),
the release of the JDK's own Debian; the JDK is $IMAGE_JDK, else
/usr/lib/jvm/temurin-25-jdk-amd64.
"""

import datetime
import hashlib
import io
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / 'target' / 'image-base.tar'
DEFAULT_JDK = '/usr/lib/jvm/temurin-25-jdk-amd64'
JAVA_HOME = '/opt/java'
PACKAGES = ('base-files', 'libc6', 'libgcc-s1', 'busybox-static')
# The union of `jdeps --ignore-missing-deps --print-module-deps` of the two
# extracted jars (half a minute each, so not at every build); the image
# check starts both applications, which fails should one be missing.
MODULES = ('java.base', 'java.compiler', 'java.desktop', 'java.instrument',
           'java.management', 'java.naming', 'java.net.http', 'java.prefs',
           'java.scripting', 'java.security.jgss', 'java.sql', 'jdk.jfr',
           'jdk.management', 'jdk.unsupported')
# busybox's commands that others run in the image by name: the Helm chart's
# preStop hook sleeps (busybox's applets go by the name they are run as).
APPLETS = ('sleep',)
USER_ID = 10001
USER_NAME = 'valence'
ENV = ('PATH=%s/bin:/usr/bin:/bin' % JAVA_HOME, 'JAVA_HOME=%s' % JAVA_HOME,
       'LANG=C.UTF-8')


def _relative(name):
    """A member's path without its leading ./ or /, as image layers name it."""
    if name.startswith('./'):
        name = name[2:]
    return name.strip('/')


class Layer(object):
    """One image layer, a tar archive built in memory, entries in order."""

    def __init__(self, mtime):
        self._buffer = io.BytesIO()
        self._tar = tarfile.open(fileobj=self._buffer, mode='w',
                                 format=tarfile.PAX_FORMAT)
        self._mtime = mtime
        self._names = set()

    def add(self, info, data=None):
        """Adds an entry as root's, dated mtime; a repeated path is skipped.

        Directories shared by packages (/usr, /lib) come once, first come.
        """
        name = _relative(info.name)
        if not name or name in self._names:
            return
        self._names.add(name)
        info.name = name
        if info.islnk():
            info.linkname = _relative(info.linkname)
        info.uid = info.uid if info.uid == USER_ID else 0
        info.gid = info.gid if info.gid == USER_ID else 0
        info.uname = info.gname = ''
        info.mtime = self._mtime
        info.pax_headers = {}
        self._tar.addfile(info, data)

    def add_directory(self, name, mode, owner=0):
        info = tarfile.TarInfo(name)
        info.type = tarfile.DIRTYPE
        info.mode = mode
        info.uid = info.gid = owner
        self.add(info)

    def add_text(self, name, text):
        data = text.encode()
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = 0o644
        self.add(info, io.BytesIO(data))

    def add_tree(self, source, prefix):
        """Adds the files under source as prefix/..., parents first."""
        parts = prefix.split('/')
        for i in range(len(parts)):
            self.add_directory('/'.join(parts[:i + 1]), 0o755)
        for path in sorted(pathlib.Path(source).rglob('*')):
            name = '%s/%s' % (prefix, path.relative_to(source))
            info = self._tar.gettarinfo(str(path), arcname=name)
            with (open(path, 'rb') if info.isfile() else
                  io.BytesIO()) as data:
                self.add(info, data if info.isfile() else None)

    def add_archive(self, stream):
        """Adds every entry of a tar stream (a package's file system)."""
        with tarfile.open(fileobj=stream, mode='r|') as archive:
            for info in archive:
                self.add(info, archive.extractfile(info)
                         if info.isfile() else None)

    def close(self):
        self._tar.close()
        return self._buffer.getvalue()


def run(command, **kwargs):
    """Runs a command; raises CalledProcessError with its output on failure."""
    return subprocess.run(command, check=True, capture_output=True,
                          **kwargs).stdout


def add_packages(layer, workdir):
    """Adds the packages' files and their dpkg status, for image scanners.

    :raises subprocess.CalledProcessError: when apt-get cannot download one.
    """
    run(['apt-get', 'download', '-q'] + list(PACKAGES), cwd=workdir)
    for deb in sorted(pathlib.Path(workdir).glob('*.deb')):
        with subprocess.Popen(['dpkg-deb', '--fsys-tarfile', str(deb)],
                              stdout=subprocess.PIPE) as dpkg:
            layer.add_archive(dpkg.stdout)
        if dpkg.returncode:
            raise subprocess.CalledProcessError(dpkg.returncode, dpkg.args)
        control = run(['dpkg-deb', '--field', str(deb)]).decode()
        name = control.split('\n', 1)[0].split(': ', 1)[1]
        layer.add_text('var/lib/dpkg/status.d/%s' % name, control)


def add_runtime(layer, jdk, workdir):
    """Adds a Java runtime of MODULES linked from jdk, with its CDS archive.

    :raises subprocess.CalledProcessError: when jlink fails.
    """
    output = pathlib.Path(workdir) / 'java'
    run([os.path.join(jdk, 'bin', 'jlink'), '--add-modules', ','.join(MODULES),
         '--strip-debug', '--no-man-pages', '--no-header-files',
         '--generate-cds-archive', '--output', str(output)])
    layer.add_tree(output, JAVA_HOME.lstrip('/'))


def add_user(layer):
    layer.add_text('etc/passwd',
                   'root:x:0:0:root:/root:/sbin/nologin\n'
                   '%s:x:%d:%d:%s:/home/%s:/sbin/nologin\n'
                   % (USER_NAME, USER_ID, USER_ID, USER_NAME, USER_NAME))
    layer.add_text('etc/group', 'root:x:0:\n%s:x:%d:\n'
                   % (USER_NAME, USER_ID))
    layer.add_directory('home/%s' % USER_NAME, 0o700, USER_ID)
    # Tomcat's work directory and the JVM's performance data go there.
    layer.add_directory('tmp', 0o1777)


def add_applets(layer):
    for applet in APPLETS:
        info = tarfile.TarInfo('bin/%s' % applet)
        info.type = tarfile.SYMTYPE
        info.linkname = 'busybox'
        info.mode = 0o777
        layer.add(info)


def image(layer_data, mtime):
    """Returns the files of a `docker save` archive of one layer."""
    diff_id = 'sha256:' + hashlib.sha256(layer_data).hexdigest()
    created = datetime.datetime.fromtimestamp(
        mtime, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    config = json.dumps({
        'architecture': 'amd64',
        'os': 'linux',
        'created': created,
        'config': {'Env': list(ENV)},
        'rootfs': {'type': 'layers', 'diff_ids': [diff_id]},
        'history': [{'created': created,
                     'created_by': 'scripts/image_base.py: %s and a Java '
                                   'runtime' % ' '.join(PACKAGES)}],
    }, sort_keys=True).encode()
    config_name = hashlib.sha256(config).hexdigest() + '.json'
    manifest = json.dumps([{'Config': config_name,
                            'RepoTags': ['valence-image-base:latest'],
                            'Layers': ['layer.tar']}]).encode()
    return [('layer.tar', layer_data), (config_name, config),
            ('manifest.json', manifest)]


def build(output, jdk):
    mtime = int(os.environ.get('SOURCE_DATE_EPOCH', '1'))
    layer = Layer(mtime)
    with tempfile.TemporaryDirectory() as workdir:
        add_packages(layer, workdir)
        add_runtime(layer, jdk, workdir)
    add_user(layer)
    add_applets(layer)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_suffix('.partial')
    with tarfile.open(partial, 'w', format=tarfile.PAX_FORMAT) as archive:
        for name, data in image(layer.close(), mtime):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = mtime
            info.mode = 0o644
            archive.addfile(info, io.BytesIO(data))
    os.replace(partial, output)


def main():
    output = pathlib.Path(sys.argv[1] if len(sys.argv) > 1
                          else DEFAULT_OUTPUT).resolve()
    jdk = os.environ.get('IMAGE_JDK', DEFAULT_JDK)
    if not os.path.isfile(os.path.join(jdk, 'bin', 'jlink')):
        sys.exit('%s: no jlink there; set IMAGE_JDK to a JDK of release 25'
                 % jdk)
    if shutil.which('apt-get') is None or shutil.which('dpkg-deb') is None:
        sys.exit('apt-get and dpkg-deb are needed to fetch the packages')
    try:
        build(output, jdk)
    except subprocess.CalledProcessError as e:
        sys.exit('%s failed:\n%s' % (' '.join(e.cmd),
                                     (e.stderr or b'').decode()))
    print(output)


if __name__ == '__main__':
    main()

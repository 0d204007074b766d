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

"""Checks the service's and the emulator's image tarballs, and nothing else.

`python scripts/check_images.py` reads the two tarballs `jib:buildTar`
writes (valence-*/target/*-image.tar) as `docker load` would, with no
daemon: each image's name matches docker-compose.yml (and the Helm chart's
for the service); it runs as a user that is not root and that its
/etc/passwd knows; its entrypoint starts the java of its PATH, an
executable of the image, on the application's classes and jars, all
there; it exposes the port it listens on (SERVER_PORT); the service's
entrypoint reads /opt/valence/jvm.options, the very
valence-driver-service/jvm.options, and an AOT cache the image holds. Then,
as root, it lays the layers out and runs them the way a container engine
would (image_layout.py): the image's java prints its version, then the
emulator and the service start with the environment docker-compose.yml
gives them, the service pointed at the emulator and with -XX:AOTMode=on
(a cache the JVM cannot use stops it), until docker-compose.yml's own
health check command of each passes inside its image; and the Helm
chart's preStop command (sleep) runs in the service's image. Exits non-zero,
naming every failure.
"""

import os
import pathlib
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

import yaml

from image_layout import Image
from image_layout import loopback_up
from image_layout import NAMESPACES
from image_layout import ROOT
from image_layout import tarball
import processes

COMPOSE = ROOT / 'docker-compose.yml'
CHART = ROOT / 'deploy' / 'helm' / 'valence-driver-service'
# The Helm chart's preStop hook: a command it runs in the service's image.
PRE_STOP = re.compile(r'preStop:\s+exec:\s+command: \["([^"]+)"')
SERVICE_OPTIONS = ROOT / 'valence-driver-service' / 'jvm.options'
OPTIONS_IN_IMAGE = '/opt/valence/jvm.options'
AOT_CACHE_FLAG = '-XX:AOTCache='
# Each image's compose service, port, and the JVM options it must read;
# the emulator first, since the service's health needs it.
IMAGES = (
    ('valence-emulator', 'emulator', 8181, None),
    ('valence-driver-service', 'service', 8080, SERVICE_OPTIONS),
)
START_SECONDS = 180


def static_failures(image, service, port, options, compose, chart):
    """What the image's configuration and files get wrong, as sentences."""
    failures = []
    test = compose['services'][service]['healthcheck']['test']
    if test[:2] != ['CMD', 'busybox']:
        failures.append('docker-compose.yml\'s health check %s is not '
                        '["CMD", "busybox", ...], which the image runs' % test)
    want = compose['services'][service].get('image')
    if want not in image.tags:
        failures.append('its tags %s lack docker-compose.yml\'s %s'
                        % (image.tags, want))
    if chart and chart not in image.tags:
        failures.append('its tags %s lack the Helm chart\'s %s'
                        % (image.tags, chart))
    uid = image.user.split(':')[0]
    passwd = image.path('/etc/passwd')
    if not uid.isdigit() or int(uid) == 0:
        failures.append('its user %r is not a number other than 0'
                        % image.user)
    elif not passwd.is_file() or not any(
            line.split(':')[2:3] == [uid]
            for line in passwd.read_text().splitlines()):
        failures.append('its /etc/passwd has no user %s' % uid)
    if image.entrypoint[:1] != ['java'] or image.which('java') is None:
        failures.append('its entrypoint %s does not start a java of its '
                        'PATH' % image.entrypoint)
    failures += classpath_failures(image)
    if image.config.get('ExposedPorts') != {'%d/tcp' % port: {}}:
        failures.append('it exposes %s, not %d/tcp'
                        % (image.config.get('ExposedPorts'), port))
    if image.env.get('SERVER_PORT') != str(port):
        failures.append('its SERVER_PORT is %s, not %d'
                        % (image.env.get('SERVER_PORT'), port))
    if options is not None:
        shipped = image.path(OPTIONS_IN_IMAGE)
        if '@' + OPTIONS_IN_IMAGE not in image.entrypoint[1:2]:
            failures.append('its entrypoint %s does not read %s first'
                            % (image.entrypoint, OPTIONS_IN_IMAGE))
        if not shipped.is_file() or (shipped.read_bytes()
                                     != options.read_bytes()):
            failures.append('its %s is not %s' % (
                OPTIONS_IN_IMAGE, options.relative_to(ROOT)))
        if not aot_caches(image):
            failures.append('its entrypoint %s names no %s'
                            % (image.entrypoint, AOT_CACHE_FLAG))
    failures += ['its AOT cache %s is missing' % cache
                 for cache in aot_caches(image)
                 if not image.path(cache).is_file()]
    return failures


def aot_caches(image):
    return [arg[len(AOT_CACHE_FLAG):] for arg in image.entrypoint
            if arg.startswith(AOT_CACHE_FLAG)]


def classpath_failures(image):
    """Whether Jib's class path file and main class are in the image."""
    entry = image.entrypoint
    if '-cp' not in entry or entry.index('-cp') + 2 != len(entry) - 1:
        return ['its entrypoint %s is not java ... -cp CLASSPATH MAIN'
                % entry]
    classpath, main = entry[-2], entry[-1]
    if classpath.startswith('@'):
        listing = image.path(classpath[1:])
        if not listing.is_file():
            return ['its class path file %s is missing' % classpath[1:]]
        classpath = listing.read_text().strip()
    # java expands dir/* to the jars in dir, as the glob does.
    entries = [sorted(image.rootfs.glob(p.lstrip('/')))
               if p.endswith('/*') else [image.path(p)]
               for p in classpath.split(':')]
    failures = ['its class path names %s, not in the image' % p
                for p, found in zip(classpath.split(':'), entries)
                if not found or not all(f.exists() for f in found)]
    main_class = main.replace('.', '/') + '.class'
    if not any((f / main_class).is_file() if f.is_dir()
               else f.suffix == '.jar' and _has(f, main_class)
               for found in entries for f in found):
        failures.append('its main class %s is on no class path entry'
                        % main)
    return failures


def _has(jar, name):
    with zipfile.ZipFile(jar) as z:
        return name in z.namelist()


def java_version_failures(image):
    """Whether the image's own java runs in it, as its user."""
    with image.run(['java', '--version'], stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT) as java:
        try:
            output = java.communicate(timeout=60)[0].decode()
        except subprocess.TimeoutExpired:
            java.kill()
            return ['its java --version did not end within 60 s']
    if java.returncode != 0 or not output.startswith('openjdk 25'):
        return ['its java --version failed (exit %d): %s'
                % (java.returncode, output.strip())]
    print('%s: %s' % (image.name, output.splitlines()[0]))
    return []


def pre_stop_failures(image):
    """Whether the Helm chart's preStop command runs in the image."""
    template = (CHART / 'templates' / 'deployment.yaml').read_text()
    found = PRE_STOP.search(template)
    if not found:
        return ['no preStop command found in the Helm chart\'s deployment']
    with image.run([found.group(1), '0']) as command:
        try:
            status = command.wait(timeout=60)
        except subprocess.TimeoutExpired:
            command.kill()
            status = 'no end within 60 s'
    if status != 0:
        return ['the Helm chart\'s preStop command %s fails in it (%s)'
                % (found.group(1), status)]
    return []


def compose_environment(service, compose):
    """The compose service's environment for a network of one host.

    The other services' host names become 127.0.0.1 and the bearer token a
    random one.
    """
    names = '|'.join(compose['services'])
    env = {}
    for key, value in (compose['services'][service].get('environment')
                       or {}).items():
        value = re.sub(r'//(%s):' % names, '//127.0.0.1:', str(value))
        env[key] = ('check-' + secrets.token_hex(24)
                    if value.startswith('${') else value)
    return env


def healthy(image, test, process, deadline):
    """Runs the compose health check in the image until it passes."""
    while time.monotonic() < deadline and process.running():
        with image.run(test, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL) as check:
            try:
                if check.wait(timeout=10) == 0:
                    return True
            except subprocess.TimeoutExpired:
                check.kill()
        time.sleep(1)
    return False


def serve(pairs, compose, logdir):
    """Starts each image as compose would and waits for its health check.

    Runs inside its own network, mount and PID namespaces (see main).
    """
    loopback_up()
    failures, started = [], []
    deadline = time.monotonic() + START_SECONDS
    try:
        for image, service in pairs:
            image.contain()
            failures += ['%s: %s' % (image.name, f)
                         for f in java_version_failures(image)]
            if service == 'service':
                failures += ['%s: %s' % (image.name, f)
                             for f in pre_stop_failures(image)]
            if failures:
                break
            test = compose['services'][service]['healthcheck']['test']
            # A JVM that cannot use the image's AOT cache then refuses to
            # start, rather than starting slower with a warning.
            command = image.entrypoint[:1] + (
                ['-XX:AOTMode=on'] if aot_caches(image) else []
            ) + image.entrypoint[1:]
            started.append(processes.Process(
                image.name, image.argv(command),
                pathlib.Path(logdir) / ('%s.log' % service),
                dict(image.env, **compose_environment(service, compose))))
            begun = time.monotonic()
            if not healthy(image, test[1:], started[-1], deadline):
                with open(started[-1].log_path, 'rb') as f:
                    tail = f.read()[-3000:]
                failures.append('%s: compose\'s health check %s never '
                                'passed; its log ends:\n%s'
                                % (image.name, test[1:],
                                   tail.decode(errors='replace')))
                break
            print('%s: healthy (%s) %.1f s after its start%s'
                  % (image.name, ' '.join(test[1:]),
                     time.monotonic() - begun,
                     ', with its AOT cache' if aot_caches(image) else ''))
    finally:
        for process in reversed(started):
            process.stop()
    return failures


def images(workdir, lay_out):
    """The images, laid out in workdir when lay_out, with their roles."""
    found, failures = [], []
    for name, service, port, options in IMAGES:
        if not tarball(name).is_file():
            failures.append('%s: no %s; build it with scripts/build-images'
                            % (name, tarball(name)))
            continue
        found.append((Image(name, tarball(name), workdir, lay_out), service,
                      port, options))
    return found, failures


def check(workdir, compose):
    """Lays the images out and checks them; returns the failures."""
    found, failures = images(workdir, lay_out=True)
    for image, service, port, options in found:
        chart = chart_image() if service == 'service' else None
        failures += ['%s: %s' % (image.name, f) for f in static_failures(
            image, service, port, options, compose, chart)]
    return failures


def main():
    with open(COMPOSE) as f:
        compose = yaml.safe_load(f)
    if sys.argv[1:2] == ['--serve']:
        # The second half, in the namespaces: the layout is ready.
        found = images(sys.argv[2], lay_out=False)[0]
        sys.exit(report(serve([(i[0], i[1]) for i in found], compose,
                              sys.argv[2])))
    if os.geteuid() != 0:
        sys.exit('run me as root: the images are started in a chroot and '
                 'namespaces of their own')
    workdir = tempfile.mkdtemp(prefix='check-images-')
    try:
        failures = check(workdir, compose)
        if not failures and subprocess.run(
                NAMESPACES + [sys.executable, __file__, '--serve',
                              workdir]).returncode:
            failures = ['the images did not all start and pass their '
                        'health checks']
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if failures:
        sys.exit(report(failures))
    print('the images are as they should be')


def chart_image():
    """The image reference the Helm chart renders with its defaults."""
    with open(CHART / 'values.yaml') as f:
        values = yaml.safe_load(f)['image']
    with open(CHART / 'Chart.yaml') as f:
        app_version = yaml.safe_load(f)['appVersion']
    return '%s:%s' % (values['repository'], values['tag'] or app_version)


def report(failures):
    for failure in failures:
        print('!!! %s' % failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == '__main__':
    main()

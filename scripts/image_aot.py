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

"""Trains the service's AOT cache in the service's own image.

`python scripts/image_aot.py`, as root, between Jib's two builds of the
service's image (scripts/build-images): it lays out the image of the first
build, which has no cache yet, and runs its entrypoint in it as
scripts/service-layout's training run does, as the image's user, in
namespaces of its own (image_layout.py): -XX:AOTCacheOutput in place of
-XX:AOTCache, -Dspring.context.exit=onRefresh, a bearer token made for the
run and a Valence URL where nothing listens (the service calls Valence
only once it serves). The cache it writes,
valence-driver-service/target/image-aot/application.aot, is what the
second build adds. It matches that image: the same JVM, the same JVM
options and class path, jars of the same sizes and dates (Jib dates every
file 1 s after the epoch, and builds the same layers from the same jars).
"""

import os
import secrets
import shutil
import subprocess
import sys
import tempfile

from image_layout import Image
from image_layout import loopback_up
from image_layout import NAMESPACES
from image_layout import ROOT
from image_layout import tarball

NAME = 'valence-driver-service'
OUTPUT = ROOT / NAME / 'target' / 'image-aot' / 'application.aot'
# Written where the image's user may write; copied out afterwards.
IN_IMAGE = '/tmp/application.aot'
TRAINING_SECONDS = 300


def training_command(entrypoint):
    """The entrypoint, writing the cache it would read, exiting at refresh.

    :raises ValueError: when the entrypoint names no AOT cache.
    """
    flags = [a for a in entrypoint if a.startswith('-XX:AOTCache=')]
    if len(flags) != 1:
        raise ValueError('the entrypoint %s names no one -XX:AOTCache'
                         % entrypoint)
    cp = entrypoint.index('-cp')
    return [('-XX:AOTCacheOutput=' + IN_IMAGE if a in flags else a)
            for a in entrypoint[:cp]] + [
        '-Dspring.context.exit=onRefresh'] + entrypoint[cp:]


def train(workdir):
    """Runs the training in the laid-out image; inside NAMESPACES."""
    image = Image(NAME, tarball(NAME), workdir, lay_out=False)
    image.contain()
    loopback_up()
    env = dict(image.env, SERVER_PORT='0', VALENCE_URL='http://127.0.0.1:9',
               VALENCE_DRIVER_TOKEN='training-' + secrets.token_hex(24))
    log = os.path.join(workdir, 'training.log')
    with open(log, 'wb') as out, subprocess.Popen(
            image.argv(training_command(image.entrypoint)), env=env,
            stdout=out, stderr=subprocess.STDOUT) as java:
        try:
            status = java.wait(timeout=TRAINING_SECONDS)
        except subprocess.TimeoutExpired:
            java.kill()
            status = 'killed after %d s' % TRAINING_SECONDS
    cache = image.path(IN_IMAGE)
    if status != 0 or not cache.is_file():
        with open(log, 'rb') as f:
            sys.stderr.write(f.read()[-3000:].decode(errors='replace'))
        sys.exit('the training run in %s ended (%s) without writing %s'
                 % (NAME, status, IN_IMAGE))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache, OUTPUT)


def main():
    if sys.argv[1:2] == ['--inside']:
        train(sys.argv[2])
        return
    if os.geteuid() != 0:
        sys.exit('run me as root: the training runs in a chroot and '
                 'namespaces of its own')
    if not tarball(NAME).is_file():
        sys.exit('no %s: run jib:buildTar first' % tarball(NAME))
    workdir = tempfile.mkdtemp(prefix='image-aot-')
    try:
        Image(NAME, tarball(NAME), workdir)
        status = subprocess.run(NAMESPACES + [sys.executable, __file__,
                                              '--inside', workdir]).returncode
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if status:
        sys.exit(status)
    print(OUTPUT)


if __name__ == '__main__':
    main()

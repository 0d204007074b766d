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

"""What scripts/run decides before it starts anything.

When the jars are built again (scripts/lib.sh's stale_jar), and the JVM a
layout starts the service on (scripts/service-layout's DIR/start): real
scripts on real files, the JVM a stand-in whose release file the test
writes.
"""

import os
from pathlib import Path
import shutil
import subprocess
import time

import pytest

ROOT = Path(__file__).resolve().parent.parent
LIB = ROOT / 'scripts' / 'lib.sh'
LAYOUT_SCRIPT = ROOT / 'scripts' / 'service-layout'
SERVICE_JAR = ROOT / 'valence-driver-service/target/valence-driver-service.jar'
JVM_OPTIONS = ROOT / 'valence-driver-service/jvm.options'
TRAINING_TIMEOUT_S = 300


def _stale_jar(root, jar, module):
    done = subprocess.run(
        ['bash', '-c', 'source "$1"; ROOT=$2; stale_jar "$3" "$4"', 'test',
         LIB, root, jar, module],
        capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.strip()


def _age(path, seconds):
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_jar_missing_is_built(tmp_path):
    (tmp_path / 'pom.xml').write_text('<project/>')
    (tmp_path / 'mod' / 'src').mkdir(parents=True)
    (tmp_path / 'mod' / 'pom.xml').write_text('<project/>')
    assert _stale_jar(tmp_path, tmp_path / 'mod/target/m.jar',
                      'mod') == 'mod/target/m.jar is missing'


def test_jar_older_than_a_source_is_built(tmp_path):
    source = tmp_path / 'mod' / 'src' / 'main' / 'A.java'
    source.parent.mkdir(parents=True)
    for path in (tmp_path / 'pom.xml', tmp_path / 'mod' / 'pom.xml',
                 source):
        path.write_text('x')
        _age(path, 100)
    jar = tmp_path / 'mod' / 'target' / 'm.jar'
    jar.parent.mkdir()
    jar.write_text('jar')
    _age(jar, 50)
    assert _stale_jar(tmp_path, jar, 'mod') == ''
    source.write_text('changed')
    assert _stale_jar(tmp_path, jar, 'mod') == (
        'mod/src/main/A.java is newer than mod/target/m.jar')
    _age(source, 100)
    (tmp_path / 'pom.xml').write_text('changed')
    assert _stale_jar(tmp_path, jar, 'mod') == (
        'pom.xml is newer than mod/target/m.jar')


def _real_jdk():
    """The JDK 25 or later scripts/service-layout would choose, or None."""
    best = None
    for release in Path('/usr/lib/jvm').glob('*/release'):
        for line in release.read_text().splitlines():
            if line.startswith('JAVA_VERSION="'):
                major = line.split('"')[1].split('.')[0]
                if major.isdigit() and int(major) >= 25:
                    best = release.parent
    return best


@pytest.mark.skipif(_real_jdk() is None, reason='no JDK 25 under /usr/lib/jvm')
@pytest.mark.skipif(not SERVICE_JAR.exists(), reason='no service jar')
def test_start_refuses_a_changed_or_missing_jvm(tmp_path):
    """DIR/start runs the layout's JVM and stops when it changed or went.

    The JVM is a JDK of the test's own: a launcher that hands over to the
    real JDK, beside a release file of its own, so that the test can
    upgrade it (a new build in that file) and remove it.
    """
    real = _real_jdk()
    jdk = tmp_path / 'jdk'
    (jdk / 'bin').mkdir(parents=True)
    java = jdk / 'bin' / 'java'
    java.write_text('#!/bin/sh\nexec %s "$@"\n' % (real / 'bin' / 'java'))
    java.chmod(0o755)
    release = (real / 'release').read_text()
    (jdk / 'release').write_text(release)
    layout = tmp_path / 'layout'
    env = dict(os.environ, SERVICE_JAVA=str(java))
    printed = subprocess.run(
        [LAYOUT_SCRIPT, SERVICE_JAR, JVM_OPTIONS, layout], env=env,
        capture_output=True, text=True, timeout=TRAINING_TIMEOUT_S,
        check=True).stdout.splitlines()
    assert printed[0] == str(java)
    start = layout / 'start'

    # The layout's JVM as it was: start hands over to it, with the extra
    # JVM options first (-version ends the JVM at once).
    ran = subprocess.run([start, '-version'], capture_output=True,
                         text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    assert 'version "' in ran.stderr

    (jdk / 'release').write_text(release.replace(
        'JAVA_RUNTIME_VERSION="', 'JAVA_RUNTIME_VERSION="99.'))
    ran = subprocess.run([start, '-version'], capture_output=True,
                         text=True, timeout=60)
    assert ran.returncode == 1
    assert 'which is 99.' in ran.stderr
    assert ('scripts/service-layout %s %s %s'
            % (SERVICE_JAR, JVM_OPTIONS, layout)) in ran.stderr

    shutil.rmtree(jdk)
    ran = subprocess.run([start, '-version'], capture_output=True,
                         text=True, timeout=60)
    assert ran.returncode == 1
    assert 'which is gone now' in ran.stderr

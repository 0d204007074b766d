# shellcheck shell=bash
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

# Shell helpers shared by scripts/run, scripts/test and tools/bench.
# Sourced, never executed: it sets no shell options of its own so that each
# caller keeps control of `set -e` and its traps.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
EMULATOR_JAR="$ROOT/valence-emulator/target/valence-emulator.jar"
SERVICE_JAR="$ROOT/valence-driver-service/target/valence-driver-service.jar"
VENV="$ROOT/.venv"
# The Maven wrapper: the Maven release of .mvn/wrapper, fetched from Maven
# Central into ~/.m2/wrapper on first use, so that no installed mvn is needed.
MVN="$ROOT/mvnw"
# The service's JVM options (heap, metaspace, code cache, stacks, GC) that
# bound its memory, as a java @argfile, which the container image
# (/opt/valence/jvm.options, the service's pom) reads too. See docs/performance.md.
SERVICE_JVM_OPTIONS="$ROOT/valence-driver-service/jvm.options"
# The service as it ships: its jar extracted, with a class-data sharing
# archive (scripts/service-layout). Under target/ so that `mvn clean` takes
# it away with the jar it was made from.
SERVICE_LAYOUT="$ROOT/valence-driver-service/target/shipped"
# The shim's suite runs on 2025.1 (Ironic 29) as well, for the paths an older
# Ironic takes (no health states); a venv of its own keeps the two apart.
IRONIC_2025_1_VENV="$ROOT/.venv-2025.1"
IRONIC_2025_1_REQUIREMENT="ironic==29.0.6"
# The legacy `ironic` CLI for the end-to-end run: the last client release
# with it, and oslo.config, which it imports without declaring it.
LEGACY_CLI_VENV="$ROOT/.venv-legacy-cli"
LEGACY_CLI_REQUIREMENTS=("python-ironicclient==2.8.0" "oslo.config")
# Keystone for the end-to-end run's authenticated Ironic (e2e/keystone.py),
# served by gunicorn; a venv of its own, as its pins are not Ironic's.
KEYSTONE_VENV="$ROOT/.venv-keystone"
KEYSTONE_REQUIREMENTS=("keystone==30.0.0" "gunicorn==27.0.1")

say() { printf '==> %s\n' "$*"; }
warn() { printf '!!! %s\n' "$*" >&2; }
die() { warn "$*"; exit 1; }

need_cmd() {
    command -v "$1" >/dev/null 2>&1 || die "'$1' is required but not on PATH"
}

# stale_jar JAR MODULE...: says why JAR must be built, JAR missing or the
# first file of the modules' sources (src/, pom.xml) or the parent pom that
# is newer than it; prints nothing when JAR is current.
stale_jar() {
    local jar=$1 module newer
    shift
    [[ -f "$jar" ]] || { echo "${jar#"$ROOT/"} is missing"; return 0; }
    for module in "$@"; do
        newer=$(find "$ROOT/$module/src" "$ROOT/$module/pom.xml" "$ROOT/pom.xml" \
            -newer "$jar" -type f -print -quit 2>/dev/null)
        [[ -n "$newer" ]] && { echo "${newer#"$ROOT/"} is newer than ${jar#"$ROOT/"}"; return 0; }
    done
    return 0
}

# Builds the two jars when one is missing or older than a source of its
# module (after a `git pull`, say), so that a run never starts old code; a
# second `scripts/run` on current jars starts at once. Maven's own progress
# lines (each module as it starts, the result) are shown as it builds; its
# whole output, without colour codes, is in .run/logs/build.log.
ensure_jars() {
    local reason build log="$ROOT/.run/logs/build.log"
    reason=$(stale_jar "$EMULATOR_JAR" valence-emulator)
    [[ -n "$reason" ]] || reason=$(stale_jar "$SERVICE_JAR" valence-driver-service)
    [[ -n "$reason" ]] || return 0
    say "building the jars: $reason (./mvnw -B package -DskipTests, log: ${log#"$ROOT/"})"
    mkdir -p "$(dirname "$log")"
    : >"$log"
    (cd "$ROOT" && exec "$MVN" -B -ntp -Dstyle.color=never package -DskipTests >"$log" 2>&1) &
    build=$!
    tail --pid="$build" -n +1 -f "$log" |
        grep --line-buffered -E '^\[INFO\] (Building .*\[[0-9]+/[0-9]+\]$|BUILD |Total time)' || true
    if ! wait "$build"; then
        tail -n 40 "$log" >&2
        die "the Maven build failed (log: $log)"
    fi
    [[ -z "$(stale_jar "$EMULATOR_JAR" valence-emulator)" ]] || die "the build did not produce a current $EMULATOR_JAR"
    [[ -z "$(stale_jar "$SERVICE_JAR" valence-driver-service)" ]] || die "the build did not produce a current $SERVICE_JAR"
}

# service_command [JVM OPTION...]: sets the array SERVICE_COMMAND to the
# command that starts the service as shipped, with these options after its
# own; makes its layout first when it is missing or older than the jar.
service_command() {
    local listing
    listing=$("$ROOT/scripts/service-layout" "$SERVICE_JAR" "$SERVICE_JVM_OPTIONS" \
        "$SERVICE_LAYOUT" "$@") || die "could not lay the service out in $SERVICE_LAYOUT"
    mapfile -t SERVICE_COMMAND <<<"$listing"
}

# service_java_version JAVA: the launcher's absolute path and its JDK's
# build, from the JDK's release file when it has one (no JVM start), else
# from `JAVA -version`.
service_java_version() {
    local path home version
    path=$(command -v "$1") || { echo "$1 (not found)"; return 0; }
    home=$(dirname "$(dirname "$(readlink -f "$path")")")
    version=$(sed -n 's/^JAVA_RUNTIME_VERSION="\(.*\)"$/\1/p' "$home/release" 2>/dev/null || true)
    [[ -n "$version" ]] || version=$("$path" -version 2>&1 | head -n 1)
    echo "$path ($version)"
}

# A throwaway bearer token for development runs; never used by the prod profile.
generate_token() {
    python3 -c 'import secrets; print("dev-" + secrets.token_urlsafe(32))'
}

# free_ports N: prints N distinct loopback ports that were free a moment ago.
free_ports() {
    python3 "$ROOT/scripts/ports.py" "$1"
}

# wait_http URL SECONDS [PID]: polls URL until it answers 2xx, at most SECONDS
# seconds; gives up early when PID (the process meant to serve it) has exited.
wait_http() {
    local url=$1 seconds=$2 pid=${3:-} deadline
    deadline=$((SECONDS + seconds))
    while ((SECONDS < deadline)); do
        if curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; then
            return 0
        fi
        if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
            warn "the process behind $url exited before it answered"
            return 1
        fi
        sleep 0.5
    done
    warn "$url did not answer within ${seconds}s"
    return 1
}

# stop_pids PID...: SIGTERM, a bounded wait for a clean shutdown, then SIGKILL
# for whatever is still there, and reap every one so no zombie is left.
stop_pids() {
    local pid deadline
    deadline=$((SECONDS + 20))
    for pid in "$@"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "$@"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
            warn "process $pid ignored SIGTERM for 20s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
}

# Prints the last lines of a log so that a start-up failure explains itself.
show_log_tail() {
    local log=$1
    [[ -f "$log" ]] || return 0
    warn "last lines of $log:"
    tail -n 30 "$log" >&2
}

# Creates .venv when missing and installs the shim with its test extra (which
# pins the Ironic release the shim is tested against, the one place it is
# written; it needs Python >= 3.11), Ironic's CLI, pre-commit (which
# installs the linters of .pre-commit-config.yaml) and reno (`reno new`).
# A stamp of the inputs skips pip when nothing changed; the shim is
# installed editable, so a change to its code needs no reinstall.
ensure_venv() {
    need_cmd python3
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die "Python >= 3.11 is required (Ironic 39 needs it); found $(python3 --version)"
    local stamp="$VENV/.e2e-installed" want tools=(python-ironicclient pre-commit reno matplotlib)
    want=$(cat "$ROOT/shim-python/pyproject.toml" <(echo "${tools[@]}") |
        sha256sum | cut -d' ' -f1)
    if [[ -x "$VENV/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        say "the venv at $VENV is up to date"
        return 0
    fi
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV" || die "could not create $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip || die "could not upgrade pip in $VENV"
    "$VENV/bin/python" -m pip install -q "${tools[@]}" \
        -e "$ROOT/shim-python[test]" || die "pip could not install into $VENV"
    echo "$want" >"$stamp"
}

# ensure_side_venv DIR REQUIREMENT...: a venv with exactly these
# requirements, installed again only when they (or the shim's pyproject.toml,
# for an editable shim) change.
ensure_side_venv() {
    local dir=$1 stamp="$1/.installed" want
    shift
    want=$(cat "$ROOT/shim-python/pyproject.toml" <(echo "$@") | sha256sum | cut -d' ' -f1)
    if [[ -x "$dir/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
        say "the venv at $dir is up to date"
        return 0
    fi
    [[ -x "$dir/bin/python" ]] || python3 -m venv "$dir" || die "could not create $dir"
    "$dir/bin/python" -m pip install -q "$@" || die "pip could not install into $dir"
    echo "$want" >"$stamp"
}

# The shim and its test extra on Ironic 2025.1: every requirement of the
# extra but its Ironic, read from pyproject.toml, the one list of them.
ensure_ironic_2025_1_venv() {
    local test_requirements
    mapfile -t test_requirements < <(python3 -c '
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    extra = tomllib.load(f)["project"]["optional-dependencies"]["test"]
print("\n".join(r for r in extra if not r.startswith("ironic")))
' "$ROOT/shim-python/pyproject.toml") || die "could not read the test extra"
    ensure_side_venv "$IRONIC_2025_1_VENV" "$IRONIC_2025_1_REQUIREMENT" \
        "${test_requirements[@]}" -e "$ROOT/shim-python"
}

ensure_legacy_cli() {
    ensure_side_venv "$LEGACY_CLI_VENV" "${LEGACY_CLI_REQUIREMENTS[@]}"
}

ensure_keystone_venv() {
    ensure_side_venv "$KEYSTONE_VENV" "${KEYSTONE_REQUIREMENTS[@]}"
}

# syntax=docker/dockerfile:1
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

# The driver service as it ships: its JVM options
# (valence-driver-service/jvm.options), its jar extracted, and the AOT cache
# of Java 25 (its classes loaded and linked) made here by scripts/service-layout,
# the very script scripts/run and the other scripts start it with (see
# "Start-up" in docs/service.md). Build the jar first:
# ./mvnw -B package -DskipTests
FROM eclipse-temurin:25-jre
# curl serves the compose health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 valence
COPY valence-driver-service/jvm.options /opt/valence/jvm.options
COPY scripts/service-layout /opt/valence/bin/service-layout
# The training run serves nothing and calls nothing (127.0.0.1 only, a
# throwaway token). The fat jar is only mounted for it (BuildKit, the
# builder of docker compose), so no layer keeps a second copy. The build
# fails should the command the script prints ever differ from the ENTRYPOINT.
RUN --mount=type=bind,source=valence-driver-service/target/valence-driver-service.jar,target=/tmp/valence-driver-service.jar \
    printed=$(/opt/valence/bin/service-layout /tmp/valence-driver-service.jar \
        /opt/valence/jvm.options /opt/valence/service | tr '\n' ' ') \
    && test "$printed" = "java @/opt/valence/jvm.options @/opt/valence/service/launch.args " \
    && rm /opt/valence/service.lock
USER valence
EXPOSE 8080
ENV SERVER_PORT=8080
ENTRYPOINT ["java", "@/opt/valence/jvm.options", "@/opt/valence/service/launch.args"]

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

# The Valence emulator, with the JVM's defaults.
# Build the jar first: ./mvnw -B package -DskipTests
FROM eclipse-temurin:17-jre
# curl serves the compose health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 valence
COPY valence-emulator/target/valence-emulator.jar /opt/valence/app.jar
USER valence
EXPOSE 8181
ENV SERVER_PORT=8181
ENTRYPOINT ["java", "-jar", "/opt/valence/app.jar"]

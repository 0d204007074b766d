# The Valence emulator, with the JVM's defaults.
# Build the jar first: mvn -B package -DskipTests
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

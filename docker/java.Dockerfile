# One image recipe for both Spring Boot jars (the emulator and the service):
# docker-compose.yml passes the jar to copy, the port to expose and the JVM
# options (a java @argfile, one option a line; none by default, the service's
# bounded memory from valence-driver-service/jvm.options).
# Build the jars first: mvn -B package -DskipTests
FROM eclipse-temurin:17-jre
ARG JAR
ARG PORT
ARG JVM_OPTIONS=docker/default.jvm.options
# curl serves the compose health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 valence
COPY ${JAR} /opt/valence/app.jar
COPY ${JVM_OPTIONS} /opt/valence/jvm.options
USER valence
EXPOSE ${PORT}
ENV SERVER_PORT=${PORT}
ENTRYPOINT ["java", "@/opt/valence/jvm.options", "-jar", "/opt/valence/app.jar"]

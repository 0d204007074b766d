# One image recipe for both Spring Boot jars (the emulator and the service):
# docker-compose.yml passes the jar to copy and the port to expose.
# Build the jars first: mvn -B package -DskipTests
FROM eclipse-temurin:17-jre
ARG JAR
ARG PORT
# curl serves the compose health checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --system --uid 10001 valence
COPY ${JAR} /opt/valence/app.jar
USER valence
EXPOSE ${PORT}
ENV SERVER_PORT=${PORT}
ENTRYPOINT ["java", "-jar", "/opt/valence/app.jar"]

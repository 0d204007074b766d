/*
 * Licensed under the Apache License, Version 2.0 (the "License"); you may
 * not use this file except in compliance with the License. You may obtain
 * a copy of the License at
 *
 *      http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
 * WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
 * License for the specific language governing permissions and limitations
 * under the License.
 */

package org.openstack.valence.driver.valence;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openstack.valence.driver.deadline.Deadline;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.openstack.valence.driver.TestResources.read;

/**
 * Valence behind HTTPS with a certificate from a private CA, given as VALENCE_CA_FILE.
 */
class ValenceTlsTest {

	private static final String PASSWORD = "keystore-pass";

	@TempDir
	static Path dir;

	private static WireMockServer valence;

	@BeforeAll
	static void startHttpsValence() throws Exception {
		Path keystore = dir.resolve("valence.p12");
		keytool("-genkeypair", "-alias", "valence", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
				"-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12", "-keystore",
				keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
		keytool("-exportcert", "-rfc", "-alias", "valence", "-keystore", keystore.toString(), "-storepass", PASSWORD,
				"-file", dir.resolve("ca.pem").toString());
		valence = new WireMockServer(wireMockConfig().httpDisabled(true)
			.dynamicHttpsPort()
			.keystorePath(keystore.toString())
			.keystoreType("PKCS12")
			.keystorePassword(PASSWORD)
			.keyManagerPassword(PASSWORD));
		valence.start();
		valence.stubFor(get("/").willReturn(okJson(read("valence/root.json"))));
	}

	@AfterAll
	static void stopValence() {
		valence.stop();
	}

	private static void keytool(String... arguments) throws IOException, InterruptedException {
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		List<String> command = new ArrayList<>(List.of(keytool.toString()));
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes())).isZero();
	}

	private static OkHttpValenceClient client(Path caFile) {
		ValenceProperties properties = new ValenceProperties(URI.create("https://127.0.0.1:" + valence.httpsPort()),
				null, null, caFile, Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(5),
				Duration.ofSeconds(4), new ValenceProperties.Retry(1, Duration.ofMillis(5), 1.0));
		return new OkHttpValenceClient(
				ValenceHttpClientFactory.build(properties,
						(caFile != null) ? ValenceHttpClientFactory.caBundle(caFile) : null, new SimpleMeterRegistry()),
				properties, new SimpleMeterRegistry());
	}

	@Test
	void certificateSignedByTheConfiguredCaIsTrusted() {
		assertThat(client(dir.resolve("ca.pem")).probe(Deadline.after(Duration.ofSeconds(5))).id()).isEqualTo("v1.0");
	}

	@Test
	void caFileSettingBecomesTheValenceSslBundle() {
		contexts().withPropertyValues("valence.ca-file=" + dir.resolve("ca.pem")).run(ValenceTlsTest::probesValence);
	}

	@Test
	void springSslBundleNamedValenceIsUsed() {
		contexts()
			.withPropertyValues("spring.ssl.bundle.pem.valence.truststore.certificate=" + dir.resolve("ca.pem").toUri())
			.run(ValenceTlsTest::probesValence);
	}

	private static ApplicationContextRunner contexts() {
		return new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withUserConfiguration(ValenceClientConfiguration.class, Settings.class)
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("valence.url=https://127.0.0.1:" + valence.httpsPort());
	}

	private static void probesValence(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		assertThat(context.getBean(ValenceClient.class).probe(Deadline.after(Duration.ofSeconds(5))).id())
			.isEqualTo("v1.0");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(ValenceProperties.class)
	static class Settings {

	}

	@Test
	void certificateFromAnUnknownCaIsRefused() {
		assertThatThrownBy(() -> client(null).probe(Deadline.after(Duration.ofSeconds(5))))
			.isInstanceOf(ValenceException.Unreachable.class)
			.hasMessageContaining("SSLHandshakeException");
	}

	@Test
	void caFileWithoutCertificateStopsTheClientBeingBuilt() throws IOException {
		Path empty = Files.writeString(dir.resolve("empty.pem"), "");

		assertThatThrownBy(() -> client(empty)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining(empty.toString());
	}

}

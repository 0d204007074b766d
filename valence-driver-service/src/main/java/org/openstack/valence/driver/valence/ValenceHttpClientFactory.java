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
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import okhttp3.ConnectionPool;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.openstack.valence.driver.protocol.Protocol;
import org.slf4j.MDC;

/** Builds the one OkHttpClient (and so the one connection pool) used for Valence. */
public final class ValenceHttpClientFactory {

	/**
	 * Where the service's request-id filter keeps the id of the request a thread serves
	 * (the log pattern prints the same key). Read from SLF4J's MDC so that the Valence
	 * client needs nothing of the web layer.
	 */
	static final String REQUEST_ID_MDC_KEY = "request_id";

	/** OkHttp's own default. */
	private static final int MAX_IDLE_CONNECTIONS = 5;

	private ValenceHttpClientFactory() {
	}

	/**
	 * @throws IllegalStateException when the CA file cannot be read as PEM certificates
	 */
	public static OkHttpClient build(ValenceProperties properties) {
		OkHttpClient.Builder builder = new OkHttpClient.Builder()
			.connectionPool(
					new ConnectionPool(MAX_IDLE_CONNECTIONS, properties.keepAlive().toNanos(), TimeUnit.NANOSECONDS))
			.eventListener(ConnectionUse.LISTENER)
			.connectTimeout(properties.connectTimeout())
			.readTimeout(properties.readTimeout())
			.writeTimeout(properties.readTimeout())
			.callTimeout(properties.callTimeout())
			// OkHttp would silently resend a request, an action included, after some
			// connection failures; reads are retried by Resilience4j instead.
			.retryOnConnectionFailure(false)
			.followRedirects(false);
		String basicAuth = properties.hasCredentials() ? Credentials.basic(properties.username(), properties.password())
				: null;
		builder.addInterceptor((chain) -> {
			Request.Builder request = chain.request().newBuilder().header("Accept", "application/json");
			String requestId = MDC.get(REQUEST_ID_MDC_KEY);
			if (requestId != null) {
				request.header(Protocol.REQUEST_ID_HEADER, requestId);
			}
			if (basicAuth != null) {
				request.header("Authorization", basicAuth);
			}
			return chain.proceed(request.build());
		});
		if (properties.caFile() != null) {
			X509TrustManager trust = trustManager(properties);
			builder.sslSocketFactory(sslContext(trust).getSocketFactory(), trust);
		}
		return builder.build();
	}

	private static X509TrustManager trustManager(ValenceProperties properties) {
		try (InputStream in = Files.newInputStream(properties.caFile())) {
			Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
				.generateCertificates(in);
			if (certificates.isEmpty()) {
				throw new IllegalStateException("VALENCE_CA_FILE " + properties.caFile() + " holds no certificate");
			}
			KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
			store.load(null, null);
			int index = 0;
			for (Certificate certificate : certificates) {
				store.setCertificateEntry("valence-ca-" + index++, certificate);
			}
			TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			factory.init(store);
			for (TrustManager manager : factory.getTrustManagers()) {
				if (manager instanceof X509TrustManager x509) {
					return x509;
				}
			}
			throw new IllegalStateException("the JVM offers no X.509 trust manager");
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException("VALENCE_CA_FILE " + properties.caFile()
					+ " cannot be read as PEM certificates: " + ex.getMessage(), ex);
		}
	}

	private static SSLContext sslContext(X509TrustManager trust) {
		try {
			SSLContext context = SSLContext.getInstance("TLS");
			context.init(null, new TrustManager[] { trust }, null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("TLS is not available: " + ex.getMessage(), ex);
		}
	}

}

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

package org.openstack.valence.driver.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shim's bearer token. Only its SHA-256 digest is kept, and a presented token is
 * compared digest to digest in constant time, so neither its content nor its length leaks
 * through timing.
 */
public final class DriverToken {

	private static final Logger log = LoggerFactory.getLogger(DriverToken.class);

	private final byte[] digest;

	private DriverToken(String token) {
		this.digest = sha256(token);
	}

	/**
	 * The configured token, or a generated one when that is allowed.
	 * @throws IllegalStateException when no token is configured and generating one is not
	 * allowed (the prod profile), or the token file cannot be written
	 */
	public static DriverToken resolve(TokenProperties properties) {
		if (properties.token() != null && !properties.token().isBlank()) {
			return new DriverToken(properties.token());
		}
		if (!properties.generateIfMissing()) {
			throw new IllegalStateException("VALENCE_DRIVER_TOKEN is not set; this profile refuses to start without "
					+ "the bearer token the shim must send");
		}
		String token = generate();
		write(properties.tokenFile(), token);
		log.warn("VALENCE_DRIVER_TOKEN is not set: generated a bearer token into {} (mode 0600); "
				+ "give the shim that file's content as [valence] auth_token", properties.tokenFile());
		return new DriverToken(token);
	}

	public boolean matches(String presented) {
		return presented != null && MessageDigest.isEqual(this.digest, sha256(presented));
	}

	private static String generate() {
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
	}

	/**
	 * Written to a private temporary file first, so the token is never readable by
	 * others, not even briefly.
	 */
	private static void write(Path file, String token) {
		try {
			Path dir = file.toAbsolutePath().getParent();
			Files.createDirectories(dir,
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
			Path temporary = Files.createTempFile(dir, ".token", ".tmp",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
			Files.writeString(temporary, token + "\n", StandardCharsets.UTF_8);
			Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new IllegalStateException("cannot write the generated bearer token to " + file + ": " + ex, ex);
		}
	}

	private static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

}

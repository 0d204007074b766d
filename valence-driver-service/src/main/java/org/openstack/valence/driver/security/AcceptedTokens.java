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
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bearer tokens the service accepts, each with its role: VALENCE_DRIVER_TOKEN (a
 * change token) and the lines of the token digests file, which is read again when it
 * changes, so that a token is added or removed without a restart. Without either, a
 * generated change token, where that is allowed.
 */
public final class AcceptedTokens {

	private static final Logger log = LoggerFactory.getLogger(AcceptedTokens.class);

	private final List<DriverToken> configured;

	private final Path digestsFile;

	private final long recheckNanos;

	private final ReentrantLock rereading = new ReentrantLock();

	private volatile List<DriverToken> fromFile;

	private volatile byte[] fileContent;

	private volatile long nextCheck;

	private AcceptedTokens(List<DriverToken> configured, Path digestsFile, long recheckNanos) {
		this.configured = configured;
		this.digestsFile = digestsFile;
		this.recheckNanos = recheckNanos;
		this.fromFile = List.of();
		this.nextCheck = System.nanoTime();
	}

	/**
	 * The configured tokens, or a generated one when none is and that is allowed.
	 * @throws IllegalStateException when no token is configured and generating one is not
	 * allowed (the prod profile), the token digests file cannot be read, is in error or
	 * leaves no token at all, or the generated token's file cannot be written
	 */
	public static AcceptedTokens resolve(TokenProperties properties) {
		List<DriverToken> configured = new ArrayList<>();
		if (properties.token() != null && !properties.token().isBlank()) {
			configured.add(DriverToken.of(properties.token(), Role.CHANGE));
		}
		else if (properties.tokenDigestsFile() == null) {
			if (!properties.generateIfMissing()) {
				throw new IllegalStateException("neither VALENCE_DRIVER_TOKEN nor VALENCE_DRIVER_TOKEN_DIGESTS_FILE "
						+ "is set; this profile refuses to start without a bearer token for the shim");
			}
			configured.add(DriverToken.of(generate(properties.tokenFile()), Role.CHANGE));
		}
		AcceptedTokens tokens = new AcceptedTokens(List.copyOf(configured), properties.tokenDigestsFile(),
				properties.tokenDigestsRecheck().toNanos());
		if (tokens.digestsFile != null) {
			try {
				tokens.read(Files.readAllBytes(tokens.digestsFile));
			}
			catch (IOException ex) {
				throw new IllegalStateException("cannot read the token digests file: " + ex, ex);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalStateException(ex.getMessage(), ex);
			}
		}
		return tokens;
	}

	/** The role of a presented token, when it is one of the accepted tokens. */
	public Optional<Role> roleOf(String presented) {
		if (presented == null) {
			return Optional.empty();
		}
		recheck();
		byte[] digest = DriverToken.sha256(presented);
		Role role = null;
		for (List<DriverToken> tokens : List.of(this.configured, this.fromFile)) {
			for (DriverToken token : tokens) {
				if (token.matches(digest) && (role == null || token.role().compareTo(role) > 0)) {
					role = token.role();
				}
			}
		}
		return Optional.ofNullable(role);
	}

	/**
	 * Reads the file again once its recheck interval has passed, on the request that
	 * finds it passed; a request that finds another reading goes on with the tokens read
	 * before. A file that cannot be read or is in error leaves them as they are.
	 */
	private void recheck() {
		if (this.digestsFile == null || System.nanoTime() - this.nextCheck < 0 || !this.rereading.tryLock()) {
			return;
		}
		try {
			if (System.nanoTime() - this.nextCheck < 0) {
				return;
			}
			this.nextCheck = System.nanoTime() + this.recheckNanos;
			byte[] content = Files.readAllBytes(this.digestsFile);
			if (!Arrays.equals(content, this.fileContent)) {
				read(content);
			}
		}
		catch (IOException | IllegalArgumentException ex) {
			log.error("The token digests file was not read again ({}); the tokens read before stay accepted",
					ex.toString());
		}
		finally {
			this.rereading.unlock();
		}
	}

	/**
	 * @throws IllegalArgumentException when the file is in error or leaves no token
	 */
	private void read(byte[] content) {
		this.fileContent = content;
		List<DriverToken> tokens = TokenDigests.parse(this.digestsFile, content);
		if (tokens.isEmpty() && this.configured.isEmpty()) {
			throw new IllegalArgumentException(this.digestsFile + " holds no token digest");
		}
		this.fromFile = tokens;
		log.info("Read {}: {} read and {} change token digests", this.digestsFile,
				tokens.stream().filter((token) -> token.role() == Role.READ).count(),
				tokens.stream().filter((token) -> token.role() == Role.CHANGE).count());
	}

	private static String generate(Path file) {
		byte[] random = new byte[32];
		new SecureRandom().nextBytes(random);
		String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
		write(file, token);
		log.warn("VALENCE_DRIVER_TOKEN is not set: generated a bearer token into {} (mode 0600); "
				+ "give the shim that file's content as [valence] auth_token", file);
		return token;
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

}

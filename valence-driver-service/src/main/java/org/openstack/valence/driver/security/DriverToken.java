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

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * One accepted bearer token: only its SHA-256 digest is kept, with its role. A presented
 * token is compared digest to digest in constant time, so neither its content nor its
 * length leaks through timing.
 */
record DriverToken(byte[] digest, Role role) {

	static DriverToken of(String token, Role role) {
		return new DriverToken(sha256(token), role);
	}

	boolean matches(byte[] presentedDigest) {
		return MessageDigest.isEqual(this.digest, presentedDigest);
	}

	static byte[] sha256(String value) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("every JVM has SHA-256", ex);
		}
	}

}

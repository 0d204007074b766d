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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The token digests file: a line per accepted token, its role then the SHA-256 of the
 * token in hex ({@code change 9f86d0...}), as {@code sha256sum} prints it. Blank lines
 * and what follows a {@code #} are ignored. The file holds no token, so it is no secret;
 * a line in error is named by its number, never quoted, since it may hold a token pasted
 * by mistake.
 */
final class TokenDigests {

	private static final Pattern LINE = Pattern.compile("(read|change)\\s+(\\p{XDigit}{64})");

	private TokenDigests() {
	}

	/**
	 * @throws IllegalArgumentException naming the first line in error: not a role and a
	 * digest, or a digest of an earlier line again
	 */
	static List<DriverToken> parse(Path file, byte[] content) {
		List<DriverToken> tokens = new ArrayList<>();
		String[] lines = new String(content, StandardCharsets.UTF_8).split("\\R", -1);
		for (int index = 0; index < lines.length; index++) {
			String line = lines[index].replaceFirst("#.*", "").strip();
			if (line.isEmpty()) {
				continue;
			}
			Matcher matcher = LINE.matcher(line);
			if (!matcher.matches()) {
				throw new IllegalArgumentException(file + " line " + (index + 1)
						+ " is not '<role> <SHA-256 of the token in hex>' with role read or change");
			}
			DriverToken token = new DriverToken(HexFormat.of().parseHex(matcher.group(2)),
					Role.valueOf(matcher.group(1).toUpperCase(Locale.ROOT)));
			if (tokens.stream().anyMatch((earlier) -> earlier.matches(token.digest()))) {
				throw new IllegalArgumentException(
						file + " line " + (index + 1) + " repeats the digest of an earlier line");
			}
			tokens.add(token);
		}
		return List.copyOf(tokens);
	}

}

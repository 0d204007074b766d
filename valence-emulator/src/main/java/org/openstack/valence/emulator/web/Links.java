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

package org.openstack.valence.emulator.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The small formatting conventions Valence's documents share: self/bookmark links built
 * from the URL the client used, and timestamps like {@code 2026-11-24 09:25:18 UTC}.
 */
public final class Links {

	public record Link(String rel, String href) {
	}

	private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private Links() {
	}

	/**
	 * Self link under /v1 and bookmark link without it, as Valence's link.Link.make_link
	 * pairs them.
	 */
	public static List<Link> selfAndBookmark(String collection, String id) {
		return selfAndBookmark(base(), collection, id);
	}

	/**
	 * The same links under a {@link #base()} read once: a list of many nodes would
	 * otherwise build it again from the request for each of them.
	 */
	public static List<Link> selfAndBookmark(String base, String collection, String id) {
		return List.of(new Link("self", base + "/v1/" + collection + "/" + id),
				new Link("bookmark", base + "/" + collection + "/" + id));
	}

	/** The URL the client used, up to the context path. */
	public static String base() {
		return ServletUriComponentsBuilder.fromCurrentContextPath().toUriString();
	}

	public static String timestamp(long epochMillis) {
		return TIMESTAMP.format(Instant.ofEpochMilli(epochMillis));
	}

}

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

package org.openstack.valence.emulator.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openstack.valence.emulator.web.Links;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Valence's version documents and its read-only collections of flavors and pod managers.
 */
@RestController
public class CatalogController {

	record MediaType(String base, String type) {
	}

	private final Catalog catalog;

	public CatalogController(Catalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/")
	Map<String, Object> root() {
		Map<String, Object> version = new LinkedHashMap<>();
		version.put("id", "v1");
		version.put("status", "CURRENT");
		version.put("min_version", "");
		version.put("max_version", "");
		version.put("links", List.of(new Links.Link("self", Links.base() + "/v1/")));
		Map<String, Object> root = new LinkedHashMap<>();
		root.put("name", "OpenStack Valence API");
		root.put("description",
				"Valence is an OpenStack project which aims to provide node composition based on Redfish(R) API.");
		root.put("versions", List.of(version));
		return root;
	}

	@GetMapping({ "/v1", "/v1/" })
	Map<String, Object> v1() {
		Map<String, Object> v1 = new LinkedHashMap<>();
		v1.put("id", "v1");
		v1.put("media_types", List.of(new MediaType("application/json", "application/vnd.openstack.valence.v1+json")));
		v1.put("links", List.of(new Links.Link("self", Links.base() + "/v1/")));
		for (String collection : List.of("nodes", "flavors", "systems", "pod_managers")) {
			v1.put(collection, List.of(new Links.Link("self", Links.base() + "/v1/" + collection),
					new Links.Link("bookmark", Links.base() + "/" + collection)));
		}
		return v1;
	}

	@GetMapping("/v1/flavors")
	List<Catalog.Flavor> flavors() {
		return this.catalog.flavors();
	}

	@GetMapping("/v1/pod_managers")
	List<Map<String, Object>> podManagers() {
		return this.catalog.podManagers().stream().map((podm) -> {
			Map<String, Object> view = new LinkedHashMap<>();
			view.put("uuid", podm.uuid());
			view.put("name", podm.name());
			view.put("url", podm.url());
			view.put("driver", podm.driver());
			view.put("status", podm.status());
			view.put("links", Links.selfAndBookmark("pod_managers", podm.uuid()));
			return view;
		}).toList();
	}

}

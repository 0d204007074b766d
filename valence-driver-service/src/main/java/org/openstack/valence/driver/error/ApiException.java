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

package org.openstack.valence.driver.error;

/**
 * A failure the client is told about as a problem document. Each failure mode has its own
 * {@code kind} (the problem type) and title; several may share a protocol code.
 */
public abstract class ApiException extends RuntimeException {

	private final ErrorCode code;

	private final String kind;

	private final String title;

	protected ApiException(ErrorCode code, String kind, String title, String detail, Throwable cause) {
		super(detail, cause);
		this.code = code;
		this.kind = kind;
		this.title = title;
	}

	public ErrorCode code() {
		return this.code;
	}

	public String kind() {
		return this.kind;
	}

	public String title() {
		return this.title;
	}

}

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

import java.lang.reflect.Method;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The problem codes an API operation can answer: those every operation can, and those of
 * the {@link Answers} on its controller and on its handler method.
 */
public final class OperationErrors {

	/**
	 * Every operation can answer these, from the checks in front of every handler (the
	 * token, the request's shape, the shutdown) and a fault of the service.
	 */
	private static final List<ErrorCode> EVERY_OPERATION = List.of(ErrorCode.INVALID_REQUEST, ErrorCode.UNAUTHORIZED,
			ErrorCode.INTERNAL_ERROR, ErrorCode.SERVICE_UNAVAILABLE);

	private OperationErrors() {
	}

	/** The codes, in ErrorCode's order. */
	public static Set<ErrorCode> of(Method handler) {
		Set<ErrorCode> codes = EnumSet.copyOf(EVERY_OPERATION);
		add(codes, handler.getDeclaringClass().getAnnotation(Answers.class));
		add(codes, handler.getAnnotation(Answers.class));
		return codes;
	}

	private static void add(Set<ErrorCode> codes, Answers answers) {
		if (answers != null) {
			codes.addAll(List.of(answers.value()));
		}
	}

}

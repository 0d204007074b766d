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

package org.openstack.valence.driver.web;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.openstack.valence.driver.error.BodyTooLargeException;
import org.openstack.valence.driver.error.ProblemDocuments;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds request bodies: a declared length over the limit is refused before it is read; a
 * chunked body stops being read at the limit.
 */
public class RequestBodyLimitFilter extends OncePerRequestFilter {

	private final long limit;

	private final ProblemDocuments problems;

	public RequestBodyLimitFilter(long limit, ProblemDocuments problems) {
		this.limit = limit;
		this.problems = problems;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > this.limit) {
			this.problems.write(request, response,
					ProblemDocuments.invalidRequest(new BodyTooLargeException(this.limit).getMessage()));
			return;
		}
		chain.doFilter(new BoundedRequest(request, this.limit), response);
	}

	private static final class BoundedRequest extends HttpServletRequestWrapper {

		private final long limit;

		private ServletInputStream bounded;

		BoundedRequest(HttpServletRequest request, long limit) {
			super(request);
			this.limit = limit;
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (this.bounded == null) {
				this.bounded = new BoundedInputStream(super.getInputStream(), this.limit);
			}
			return this.bounded;
		}

	}

	private static final class BoundedInputStream extends ServletInputStream {

		private final ServletInputStream in;

		private final long limit;

		private long read;

		BoundedInputStream(ServletInputStream in, long limit) {
			this.in = in;
			this.limit = limit;
		}

		@Override
		public int read() throws IOException {
			int b = this.in.read();
			if (b >= 0) {
				count(1);
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = this.in.read(buffer, offset, length);
			if (n > 0) {
				count(n);
			}
			return n;
		}

		private void count(int n) throws BodyTooLargeException {
			this.read += n;
			if (this.read > this.limit) {
				throw new BodyTooLargeException(this.limit);
			}
		}

		@Override
		public boolean isFinished() {
			return this.in.isFinished();
		}

		@Override
		public boolean isReady() {
			return this.in.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			this.in.setReadListener(listener);
		}

	}

}

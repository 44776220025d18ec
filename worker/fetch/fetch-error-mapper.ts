import { HTTPError, MaxRedirectsError, RequestError, TimeoutError } from 'got';
import { FetchError } from '../../shared/errors/app-error.js';
import { isBlockedAddressError } from './ssrf-agents.js';

/** Turns whatever a download threw into a FetchError with a stable code and a permanent/transient verdict. */
export function toFetchError(err: unknown, url: string): FetchError {
  if (err instanceof FetchError) return err;
  // got wraps the error a request stream is destroyed with (our early refusals) in a RequestError.
  if (err instanceof RequestError && err.cause instanceof FetchError) return err.cause;
  if (isBlockedAddressError(err)) {
    return new FetchError('blocked_address', 'The address is not allowed (SSRF guard)', url, true, err);
  }
  if (err instanceof HTTPError) {
    const status = err.response.statusCode;
    if (status === 404 || status === 410) {
      return new FetchError('not_found', `The server answered ${status}`, url, true, err);
    }
    const transient = status >= 500 || status === 408 || status === 429;
    return new FetchError('http_error', `The server answered ${status}`, url, !transient, err);
  }
  if (err instanceof MaxRedirectsError) {
    return new FetchError('too_many_redirects', err.message, url, true, err);
  }
  if (err instanceof TimeoutError) {
    return new FetchError('timeout', `Timed out (${err.event})`, url, false, err);
  }
  if (err instanceof RequestError && err.code === 'ERR_UNSUPPORTED_PROTOCOL') {
    return new FetchError('http_error', 'Redirected to an unsupported protocol', url, true, err);
  }
  const message = err instanceof Error ? err.message : String(err);
  return new FetchError('network_error', message, url, false, err);
}

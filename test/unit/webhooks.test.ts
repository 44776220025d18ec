import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  signWebhook,
  verifyWebhook,
  webhookHeaders,
  WebhookVerificationError,
  type WebhookVerificationErrorCode,
} from '../../shared/webhooks.js';

// The example from the Standard Webhooks spec and its reference libraries.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const atVector = { now: () => vector.timestamp * 1000 };

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({ type: 'job.completed', timestamp: '2026-01-01T00:00:00.000Z', data: { id: 'acme_1' } });
const now = 1_767_225_600;
const at = (seconds: number) => ({ now: () => seconds * 1000 });

/** The spec formula, computed here without our module. */
function independentSignature(whsec: string, id: string, timestamp: number | string, payload: string): string {
  const key = Buffer.from(whsec.slice('whsec_'.length), 'base64');
  return createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`).digest('base64');
}

function rejection(fn: () => void): WebhookVerificationErrorCode {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(WebhookVerificationError);
    return (err as WebhookVerificationError).code;
  }
  throw new Error('expected a WebhookVerificationError');
}

describe('signWebhook', () => {
  it('computes the Standard Webhooks test vector exactly', () => {
    expect(signWebhook(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
  });
  it('matches an HMAC computed directly from the spec formula', () => {
    expect(signWebhook(secret, 'msg_1', now, body)).toBe(`v1,${independentSignature(secret, 'msg_1', now, body)}`);
  });
  it('rejects secrets that are not whsec_<base64>', () => {
    for (const bad of [
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'whsec_',
      'whsec_not base64!',
      'whsec_abcde',
      'whsec_ab=c',
    ]) {
      expect(() => signWebhook(bad, 'msg_1', now, body)).toThrow(/whsec_/);
    }
  });
  it('rejects a timestamp that is not integer seconds', () => {
    expect(() => signWebhook(secret, 'msg_1', now + 0.5, body)).toThrow(/integer/);
  });
});

describe('webhookHeaders', () => {
  it('returns the three headers', () => {
    expect(webhookHeaders(vector.secret, vector.id, vector.timestamp, vector.body)).toEqual({
      'webhook-id': vector.id,
      'webhook-timestamp': String(vector.timestamp),
      'webhook-signature': vector.signature,
    });
  });
});

describe('verifyWebhook', () => {
  const headers = (overrides: Record<string, string | undefined> = {}) => ({
    ...webhookHeaders(secret, 'msg_1', now, body),
    ...overrides,
  });

  it('accepts what signWebhook signed, as a string or a Buffer', () => {
    expect(() => verifyWebhook(secret, headers(), body, at(now))).not.toThrow();
    expect(() => verifyWebhook(secret, headers(), Buffer.from(body), at(now))).not.toThrow();
  });
  it('accepts the test vector and an independently computed signature', () => {
    const vectorHeaders = {
      'webhook-id': vector.id,
      'webhook-timestamp': String(vector.timestamp),
      'webhook-signature': vector.signature,
    };
    expect(() => verifyWebhook(vector.secret, vectorHeaders, vector.body, atVector)).not.toThrow();
    const signature = `v1,${independentSignature(secret, 'msg_1', now, body)}`;
    expect(() => verifyWebhook(secret, headers({ 'webhook-signature': signature }), body, at(now))).not.toThrow();
  });
  it('looks headers up case-insensitively in plain objects and in Headers', () => {
    const upper = Object.fromEntries(Object.entries(headers()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(() => verifyWebhook(secret, upper, body, at(now))).not.toThrow();
    expect(() => verifyWebhook(secret, new Headers(upper), body, at(now))).not.toThrow();
  });
  it('rejects a tampered body, a wrong secret and a different id', () => {
    expect(rejection(() => verifyWebhook(secret, headers(), `${body} `, at(now)))).toBe('invalid_signature');
    expect(rejection(() => verifyWebhook(otherSecret, headers(), body, at(now)))).toBe('invalid_signature');
    expect(rejection(() => verifyWebhook(secret, headers({ 'webhook-id': 'msg_2' }), body, at(now)))).toBe(
      'invalid_signature',
    );
  });
  it('rejects timestamps beyond the tolerance either way, and accepts those at its edge', () => {
    expect(rejection(() => verifyWebhook(secret, headers(), body, at(now + 301)))).toBe('timestamp_out_of_range');
    expect(rejection(() => verifyWebhook(secret, headers(), body, at(now - 301)))).toBe('timestamp_out_of_range');
    expect(() => verifyWebhook(secret, headers(), body, at(now + 300))).not.toThrow();
    expect(() => verifyWebhook(secret, headers(), body, at(now - 300))).not.toThrow();
    const strict = { ...at(now + 10), toleranceSeconds: 5 };
    expect(rejection(() => verifyWebhook(secret, headers(), body, strict))).toBe('timestamp_out_of_range');
  });
  it('rejects a timestamp that is not integer seconds', () => {
    for (const t of [`${now}.5`, `${now}000x`, '-1', 'soon', ' ']) {
      expect(rejection(() => verifyWebhook(secret, headers({ 'webhook-timestamp': t }), body, at(now)))).toBe(
        'invalid_timestamp',
      );
    }
  });
  it('rejects a delivery missing any header', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      expect(rejection(() => verifyWebhook(secret, headers({ [name]: undefined }), body, at(now)))).toBe(
        'missing_headers',
      );
    }
    expect(rejection(() => verifyWebhook(secret, new Headers(), body, at(now)))).toBe('missing_headers');
  });
  it('accepts a header with several signatures when any one matches', () => {
    const mine = headers()['webhook-signature'];
    const foreign = signWebhook(otherSecret, 'msg_1', now, body);
    const both = headers({ 'webhook-signature': `${foreign} ${mine}` });
    expect(() => verifyWebhook(secret, both, body, at(now))).not.toThrow();
    // Node joins a repeated header with ", ".
    const joined = headers({ 'webhook-signature': `${foreign}, ${mine}` });
    expect(() => verifyWebhook(secret, joined, body, at(now))).not.toThrow();
    expect(() =>
      verifyWebhook(secret, { ...headers(), 'webhook-signature': [foreign, mine] }, body, at(now)),
    ).not.toThrow();
  });
  it('accepts any of several secrets (rotation)', () => {
    expect(() => verifyWebhook([otherSecret, secret], headers(), body, at(now))).not.toThrow();
    expect(rejection(() => verifyWebhook([otherSecret], headers(), body, at(now)))).toBe('invalid_signature');
    expect(() => verifyWebhook([], headers(), body, at(now))).toThrow(/at least one secret/);
  });
  it('ignores other signature versions', () => {
    const digest = headers()['webhook-signature'].slice('v1,'.length);
    expect(
      rejection(() => verifyWebhook(secret, headers({ 'webhook-signature': `v2,${digest}` }), body, at(now))),
    ).toBe('invalid_signature');
    expect(rejection(() => verifyWebhook(secret, headers({ 'webhook-signature': digest }), body, at(now)))).toBe(
      'invalid_signature',
    );
  });
  it('treats a signature of the wrong length as no match, without a RangeError', () => {
    for (const sig of ['v1,', 'v1,AAAA', `v1,${randomBytes(64).toString('base64')}`, 'v1,not base64 at all']) {
      expect(rejection(() => verifyWebhook(secret, headers({ 'webhook-signature': sig }), body, at(now)))).toBe(
        'invalid_signature',
      );
    }
  });
  it('throws a plain Error for a misconfigured secret, whatever the delivery', () => {
    const err = (() => {
      try {
        verifyWebhook('not-a-secret', {}, body);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(WebhookVerificationError);
  });
});

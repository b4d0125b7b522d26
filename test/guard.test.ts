import { describe, expect, it } from 'vitest';
import { awsTestEnv } from './support/moto.js';

describe('test support', () => {
  it('refuses endpoints that are not loopback', () => {
    expect(() => awsTestEnv('https://codepipeline.us-east-1.amazonaws.com')).toThrow(/non-loopback/);
    expect(() => awsTestEnv('http://10.0.0.1:5000')).toThrow(/non-loopback/);
    expect(awsTestEnv('http://127.0.0.1:5000').AWS_ENDPOINT_URL).toBe('http://127.0.0.1:5000');
  });
});

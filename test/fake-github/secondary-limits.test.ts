import { describe, expect, it } from 'vitest';
import { SECONDARY_LIMITS, SecondaryLimits } from '../../src/fake-github/secondary-limits.js';

describe("the fake's secondary rate limits", () => {
  it('refuses the 81st content-creating request of a minute, per installation', () => {
    const limits = new SecondaryLimits();
    for (let i = 0; i < SECONDARY_LIMITS.contentPerMinute; i++) {
      expect(limits.admit('1', { graphql: false, write: true })).toBeNull();
      limits.done('1');
    }
    expect(limits.admit('1', { graphql: false, write: true })).toBe('content-creating requests');
    expect(limits.admit('2', { graphql: false, write: true })).toBeNull();
    expect(limits.admit('1', { graphql: false, write: false })).toBeNull(); // reads still go
  });

  it('refuses the 101st request in flight, and GraphQL past 2,000 points a minute', () => {
    const limits = new SecondaryLimits();
    for (let i = 0; i < SECONDARY_LIMITS.concurrent; i++) {
      expect(limits.admit('1', { graphql: true, write: false })).toBeNull();
    }
    expect(limits.admit('1', { graphql: true, write: false })).toBe('concurrent requests');
    for (let i = 0; i < SECONDARY_LIMITS.concurrent; i++) limits.done('1');
    for (let i = SECONDARY_LIMITS.concurrent; i < SECONDARY_LIMITS.graphqlPoints; i++) {
      expect(limits.admit('1', { graphql: true, write: false })).toBeNull();
      limits.done('1');
    }
    expect(limits.admit('1', { graphql: true, write: false })).toBe('GraphQL points');
    expect(limits.refused).toEqual(['concurrent requests', 'GraphQL points']);
  });

  it('counts nothing while turned off', () => {
    const limits = new SecondaryLimits();
    limits.enabled = false;
    for (let i = 0; i < 200; i++)
      expect(limits.admit('1', { graphql: false, write: true })).toBeNull();
    limits.enabled = true;
    expect(limits.admit('1', { graphql: false, write: true })).toBeNull();
  });
});

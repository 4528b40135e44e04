/**
 * The real Octokit aimed at api.github.com for unit tests that answer its HTTP requests with nock,
 * and the REST shapes those answers take. Tests where the whole conversation matters use the fake
 * GitHub (src/fake-github/) instead.
 */
import { Octokit } from '@octokit/rest';
import nock from 'nock';
import type { GitHubClient } from '../../src/github/client.js';

export const API = 'https://api.github.com';

/** A logger that says nothing, for Octokit and the app's own logging. */
export const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The real Octokit with no retries, so every answer nock gives is the answer the code sees. */
export function nockClient(): GitHubClient {
  return new Octokit({ auth: 'x', baseUrl: API, request: { retries: 0 }, log: quiet });
}

/** The contents API route for a file, with the path encoded as Octokit sends it. */
export function contentsRoute(fullName: string, path: string): string {
  return `/repos/${fullName}/contents/${encodeURIComponent(path)}`;
}

/** A contents API answer for a file, as GitHub gives it (base64 broken into lines of 60). */
export function fileAnswer(path: string, text: string) {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  return {
    type: 'file',
    encoding: 'base64',
    size: Buffer.byteLength(text),
    name: path.split('/').pop(),
    path,
    content: b64.replace(/(.{60})/g, '$1\n'),
    sha: '3d21ec53a331a6f037a91c368710b99387d012c1',
  };
}

/** GitHub's 404 body for a file that is not there. */
export const notFound = {
  message: 'Not Found',
  documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content',
  status: '404',
};

/** Answers one read of `path` in `fullName` with the file's text, once. */
export function serveFile(fullName: string, path: string, text: string): nock.Scope {
  return nock(API).get(contentsRoute(fullName, path)).reply(200, fileAnswer(path, text));
}
